namespace Glance.Gateway.MemberPolicy;

/// <summary>
/// A request path on Glance's member resources: <c>/v2/images/{image_id}/members/{member_id}</c>
/// (the member path) or <c>/v2/images/{image_id}/members</c> (the collection). Parsed from the
/// decoded path, in which Kestrel keeps <c>%2F</c> encoded, so an encoded slash never splits a segment.
/// </summary>
public readonly record struct MemberPath(string ImageId, string? MemberId)
{
    private const string Prefix = "/v2/images/";
    private const string Members = "/members";

    /// <summary>True for the member path (a member id is present).</summary>
    public bool IsMember => MemberId is not null;

    /// <summary>Parses a path; false for anything that is not a member path or the members collection.</summary>
    public static bool TryParse(PathString path, out MemberPath memberPath)
    {
        memberPath = default;
        var value = path.Value;
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
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
