namespace Glance.Policy.Routing;

/// <summary>
/// A request target on Glance's member resources: <c>/v2/images/{image_id}/members/{member_id}</c>
/// (the member path) or <c>/v2/images/{image_id}/members</c> (the collection).
/// </summary>
public readonly record struct MemberPath(string ImageId, string? MemberId)
{
    private const string Prefix = "/v2/images/";
    private const string Members = "/members";

    /// <summary>True for the member path (a member id is present).</summary>
    public bool IsMember => MemberId is not null;

    /// <summary>
    /// Parses a target; false for anything that is not a member path or the members collection.
    /// The seed's blank image id (<c>/v2/images//members/{member_id}</c>, see
    /// <see cref="RequestTarget.HasBlankImageId"/>) is a member path with an empty image id.
    /// </summary>
    public static bool TryParse(RequestTarget target, out MemberPath memberPath)
    {
        ArgumentNullException.ThrowIfNull(target);
        memberPath = default;

        // Routes' patterns end in Python's $, which also matches before a final newline: .../m%0A is member m.
        var value = target.Path.EndsWith('\n') ? target.Path[..^1] : target.Path;
        if (target.Kind != RequestTargetKind.Api || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        if (target.HasBlankImageId)
        {
            memberPath = new MemberPath(string.Empty, value[(Prefix.Length + "members/".Length)..]);
            return memberPath.MemberId!.Length > 0;
        }

        var rest = value.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            return false;
        }

        var imageId = rest[..slash];
        var tail = rest[slash..];
        if (tail.SequenceEqual(Members))
        {
            memberPath = new MemberPath(imageId.ToString(), null);
            return true;
        }

        if (!tail.StartsWith(Members + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var memberId = tail[(Members.Length + 1)..];
        if (memberId.Length == 0 || memberId.Contains('/'))
        {
            return false;
        }

        memberPath = new MemberPath(imageId.ToString(), memberId.ToString());
        return true;
    }
}
