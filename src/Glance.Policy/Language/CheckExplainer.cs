namespace Glance.Policy.Language;

/// <summary>
/// A second walk over a compiled check tree that says what decided, in oslo.policy's own
/// evaluation order: <c>or</c> stops at the first check that passes, <c>and</c> at the first that
/// fails. For a pass it gives the branch that held (for an <c>or</c>, its first passing branch;
/// for an <c>and</c>, every part); for a failure, the check that failed in each branch (every
/// branch of an <c>or</c>, the first failing part of an <c>and</c>). <c>rule:</c> references are
/// followed and written <c>rule:name → …</c>. Kept apart from <see cref="Check.Evaluate"/> so that
/// the evaluation the edge runs on every request stays as it is: this walk allocates and is for
/// refusals, audits and the operators' commands.
/// </summary>
internal static class CheckExplainer
{
    /// <summary>The result of <paramref name="check"/> and the clauses that decided it.</summary>
    public static (bool Passed, IReadOnlyList<string> Clauses) Explain(Check check, PolicyCredentials credentials, IPolicyTarget target)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(target);
        return check.Evaluate(credentials, target)
            ? (true, [Held(check, credentials, target)])
            : (false, Failed(check, credentials, target));
    }

    // Only called for a check that passed.
    private static string Held(Check check, PolicyCredentials credentials, IPolicyTarget target)
    {
        switch (check)
        {
            case OrCheck or:
                foreach (var branch in or.Checks)
                {
                    if (branch.Evaluate(credentials, target))
                    {
                        return Held(branch, credentials, target);
                    }
                }

                break;
            case AndCheck and:
                return "(" + string.Join(" and ", and.Checks.Select(part => Held(part, credentials, target))) + ")";
            case NotCheck not:
                return "not " + not.Inner;
            case RuleCheck { Bound: { } bound } rule:
                return rule + " → " + Held(bound, credentials, target);
        }

        return check.ToString();
    }

    // Only called for a check that failed.
    private static List<string> Failed(Check check, PolicyCredentials credentials, IPolicyTarget target)
    {
        switch (check)
        {
            case OrCheck or:
                return [.. or.Checks.SelectMany(branch => Failed(branch, credentials, target))];
            case AndCheck and:
                foreach (var part in and.Checks)
                {
                    if (!part.Evaluate(credentials, target))
                    {
                        return Failed(part, credentials, target);
                    }
                }

                break;
            case NotCheck not:
                return ["not " + not.Inner];
            case RuleCheck { Bound: null } unbound:
                return [unbound + " (names no rule)"];
            case RuleCheck { Bound: { } bound } rule:
                return [.. Failed(bound, credentials, target).Select(clause => rule + " → " + clause)];
        }

        return [check.ToString()];
    }
}
