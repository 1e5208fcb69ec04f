namespace Glance.Policy.Operations;

/// <summary>
/// One decision of an operation as Glance makes it, up to and through its policy rule: the
/// operation, why (a CONFORMANCE.md row for member DELETE, else the name of the check that decided),
/// the oslo.policy rule (the one that refused, or the operation's rule for an allow; null where a
/// coded check decided), and for a refusal the status and error body Glance answers with.
/// </summary>
public sealed record EdgeDecision(string Operation, string Reason, int? Row, string? PolicyRule, int StatusCode, string? Explanation, string? Detail = null, string? Allow = null)
{
    /// <summary>The reason of every allow.</summary>
    public const string AllowedReason = "Allowed";

    /// <summary>The reason of a refused policy rule.</summary>
    public const string PolicyRefusedReason = "PolicyRefused";

    /// <summary>Headers the refusal's answer carries beside the body (<see cref="Refusal.Headers"/>), or null.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; init; }

    /// <summary>A refusal the backend words (<see cref="Refusal.WordedByBackend"/>): forwarded in Enforce mode too.</summary>
    public bool WordedByBackend { get; init; }

    /// <summary>True when the request goes on to the backend (its status is then the backend's).</summary>
    public bool IsAllowed => Reason == AllowedReason;

    /// <summary>An allow by <paramref name="policyRule"/>.</summary>
    public static EdgeDecision Allowed(string operation, string? policyRule, int? row = null) =>
        new(operation, AllowedReason, row, policyRule, 0, null);

    /// <summary>The decision of a <see cref="Refusal"/>: a policy refusal names its rule, a coded check <paramref name="reason"/>.</summary>
    public static EdgeDecision Refused(string operation, Refusal refusal, string reason)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new(operation, refusal.PolicyRule is null ? refusal.Reason ?? reason : PolicyRefusedReason, null, refusal.PolicyRule, refusal.StatusCode, refusal.Explanation, refusal.Detail)
        {
            Headers = refusal.Headers,
            WordedByBackend = refusal.WordedByBackend,
        };
    }
}
