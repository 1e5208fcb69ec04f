using Glance.Policy.Language;

namespace Glance.Policy.Rules;

/// <summary>
/// Explains one rule of a compiled rule set for a caller and a target: the same answer as
/// <see cref="PolicyRules.IsAllowed"/> (the scope check of the rule, then its check), and what
/// decided it. A separate walk of the tree (<see cref="CheckExplainer"/>), so it costs nothing
/// where it is not asked for: call it for a refusal's audit event and in the operators' commands,
/// not on every decision.
/// </summary>
public static class PolicyExplainer
{
    /// <summary>Explains <paramref name="rule"/> of <paramref name="rules"/> for <paramref name="credentials"/> over <paramref name="target"/>.</summary>
    /// <exception cref="InvalidOperationException">The rule is not a registered Glance rule (as <see cref="PolicyRules.IsAllowed"/>).</exception>
    public static PolicyExplanation Explain(PolicyRules rules, string rule, PolicyCredentials credentials, IPolicyTarget target)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(target);
        if (!rules.IsRegistered(rule) || rules.CheckOf(rule) is not { } check)
        {
            throw new InvalidOperationException($"'{rule}' is not a registered Glance policy rule.");
        }

        var expression = check.ToString();
        if (rules.Mode.EnforceScope && rules.ScopeTypes(rule) is { } scopes && !scopes.Contains(credentials.TokenScope))
        {
            return new PolicyExplanation(rule, false, expression, [$"scope: a {credentials.TokenScope}-scoped token, the rule's scope_types are [{string.Join(", ", scopes)}]"], ScopeRefused: true);
        }

        var (passed, clauses) = CheckExplainer.Explain(check, credentials, target);
        return new PolicyExplanation(rule, passed, expression, clauses, ScopeRefused: false);
    }
}
