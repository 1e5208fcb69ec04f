namespace Glance.Policy.Rules;

/// <summary>
/// Why a rule answered as it did (<see cref="PolicyExplainer.Explain"/>): the rule, its answer, the
/// compiled expression it evaluated, and the clauses that decided, as oslo.policy text with
/// <c>rule:</c> references followed (<c>rule:default → @</c>). For an allow, <see cref="Clauses"/>
/// holds the one branch that held (oslo.policy's <c>or</c> stops at the first true); for a
/// refusal, the check that failed in each branch, or, when the token's scope is not one of the
/// rule's <c>scope_types</c> (with <c>enforce_scope</c>), that scope check alone.
/// </summary>
/// <param name="Rule">The rule explained.</param>
/// <param name="Allowed">What the rule answered (equal to <see cref="PolicyRules.IsAllowed"/>).</param>
/// <param name="Expression">The rule's compiled check as oslo.policy prints it.</param>
/// <param name="Clauses">The deciding clauses, in evaluation order.</param>
/// <param name="ScopeRefused">True when the scope check refused before the expression was evaluated.</param>
public sealed record PolicyExplanation(string Rule, bool Allowed, string Expression, IReadOnlyList<string> Clauses, bool ScopeRefused)
{
    /// <summary>For an allow, the branch that held, on one line; empty for a refusal.</summary>
    public string HeldClause => Allowed ? string.Join("; ", Clauses) : string.Empty;

    /// <summary>For a refusal, the failing check of each branch on one line, separated by <c>; </c>; empty for an allow.</summary>
    public string FailedClause => Allowed ? string.Empty : string.Join("; ", Clauses);

    /// <summary>One line: <c>rule allowed by …</c> or <c>rule refused: …</c>.</summary>
    public override string ToString() => Allowed ? $"{Rule} allowed by {HeldClause}" : $"{Rule} refused: {FailedClause}";
}
