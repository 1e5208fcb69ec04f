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

    /// <summary>The image's facts for the member rules.</summary>
    public ImageFacts ToFacts() => new(Id, Visibility, Owner);

    /// <summary>The member rows the member-DELETE path asks about.</summary>
    public MembershipFacts Membership => new(CallerIsMember, MemberExists);
}
