using Glance.Policy.Members;

namespace Glance.ImageStore.Members;

/// <summary>
/// An image as the member endpoints see it: its visibility and owner, whether the caller's project
/// is in its member list, the requested member's row when it is there, and (for listings) the
/// member rows. Read in one query.
/// </summary>
internal sealed record MemberImage(string Id, string Visibility, string? Owner, bool CallerIsMember, MemberRecord? Member, IReadOnlyList<MemberRecord> Members)
{
    /// <summary>True when the requested member id is in the member list.</summary>
    public bool MemberExists => Member is not null;

    /// <summary>The facts for <see cref="MemberDeletePolicy"/>: the member list reduced to the two ids the rules ask about.</summary>
    public ImageFacts ToFacts(string? callerProject, string? memberId)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        if (CallerIsMember && callerProject is not null)
        {
            members.Add(callerProject);
        }

        if (MemberExists && memberId is not null)
        {
            members.Add(memberId);
        }

        return new ImageFacts(Id, Visibility, Owner, members);
    }
}
