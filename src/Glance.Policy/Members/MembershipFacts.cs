namespace Glance.Policy.Members;

/// <summary>
/// The two member rows Glance's member-DELETE path can ask about: the caller's own project's
/// (whether the image is visible to it) and the member id in the URL's (any member status, before
/// the filter of which rows the caller may see). <see cref="MemberDeletePolicy.MembershipToRead"/>
/// says which one a decision needs; the other may be left false.
/// </summary>
/// <param name="CallerIsMember">The caller's project is in the image's member list.</param>
/// <param name="MemberExists">The URL's member id is in the image's member list.</param>
public readonly record struct MembershipFacts(bool CallerIsMember, bool MemberExists);
