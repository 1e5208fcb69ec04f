using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Rules;

namespace Glance.Policy.Tests.Members;

/// <summary>
/// The <see cref="MembershipFacts"/> of a decision, computed from an image's full member list the way
/// the gateway and the store compute them: one probe for the row
/// <see cref="MemberDeletePolicy.MembershipToRead"/> names (none for a missing image), then
/// <see cref="MemberDeletePolicy.Membership"/> over the answer.
/// </summary>
internal static class MembershipProbe
{
    public static MembershipFacts Facts(
        ImageFacts? image, IReadOnlyCollection<string> members, PolicyCredentials caller, string memberId, PolicyRules rules)
    {
        if (image is null)
        {
            return default;
        }

        var probe = MemberDeletePolicy.MembershipToRead(rules.IsAdmin(caller), caller.ProjectId, image.Visibility, image.Owner, memberId);
        var probeIsMember = probe is not null && members.Contains(probe, StringComparer.Ordinal);
        return MemberDeletePolicy.Membership(probe, probeIsMember, caller.ProjectId, memberId);
    }

    /// <summary>Both rows read in full, as a store that looks at every row would (for comparison).</summary>
    public static MembershipFacts FullFacts(IReadOnlyCollection<string> members, PolicyCredentials caller, string memberId) => new(
        CallerIsMember: caller.ProjectId is not null && members.Contains(caller.ProjectId, StringComparer.Ordinal),
        MemberExists: members.Contains(memberId, StringComparer.Ordinal));

    /// <summary>Decides with the probed facts.</summary>
    public static MemberDeleteDecision Decide(
        ImageFacts? image, IReadOnlyCollection<string> members, Who who, string memberId, PolicyRules rules)
    {
        var caller = Identities.For(who);
        return MemberDeletePolicy.Decide(image, Facts(image, members, caller, memberId, rules), caller, Identities.ImageId, memberId, rules);
    }
}
