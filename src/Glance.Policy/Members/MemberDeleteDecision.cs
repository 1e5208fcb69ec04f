namespace Glance.Policy.Members;

/// <summary>
/// The outcome of the member-DELETE path: which row decided, the policy rule that decided (the one
/// that refused, <c>delete_member</c> for an allow, null where Glance's coded checks decided), the
/// HTTP status Glance answers with, and the explanation text of its error body (null for the 204).
/// </summary>
public sealed record MemberDeleteDecision(MemberDeleteRule Rule, int StatusCode, string? Explanation, string? PolicyRule = null)
{
    /// <summary>True when the member may be removed.</summary>
    public bool IsAllowed => Rule == MemberDeleteRule.Allowed;

    /// <summary>The single allow decision.</summary>
    public static MemberDeleteDecision Allow { get; } = new(MemberDeleteRule.Allowed, 204, null, Rules.PolicyRuleNames.DeleteMember);
}
