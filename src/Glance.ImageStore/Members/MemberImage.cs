using Glance.Policy.Members;

namespace Glance.ImageStore.Members;

/// <summary>
/// An image as the member endpoints see it: its facts (visibility, owner and the attributes a
/// policy rule may name), whether the caller's project is in its member list, the requested
/// member's row when it is there, and (for listings) the member rows. Read in one query.
/// </summary>
internal sealed record MemberImage(ImageFacts Facts, bool CallerIsMember, MemberRecord? Member, IReadOnlyList<MemberRecord> Members)
{
    /// <summary>The image id exactly as stored.</summary>
    public string Id => Facts.Id;

    /// <summary>public, community, shared or private.</summary>
    public string Visibility => Facts.Visibility;

    /// <summary>The owning project, or null.</summary>
    public string? Owner => Facts.Owner;

    /// <summary>True when the requested member id is in the member list.</summary>
    public bool MemberExists => Member is not null;

    /// <summary>The member rows the member-DELETE path asks about.</summary>
    public MembershipFacts Membership => new(CallerIsMember, MemberExists);
}
