using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Rules;

namespace Glance.Gateway.Tests.EdgePolicy;

/// <summary>
/// The pre-check reads at most one membership: exactly the one Glance's delete path looks at, so
/// that a decision on that one row matches the decision on the full member list, in both modes.
/// </summary>
public sealed class MembershipToReadTests
{
    [Theory]
    [InlineData("admin-project", true, "shared", "owner", "target")]
    [InlineData(null, true, "shared", "owner", "target")]
    [InlineData("owner", false, "shared", "owner", "target")]
    [InlineData(null, true, "shared", null, "target")]
    [InlineData("member", false, "shared", "owner", "member")]
    [InlineData("stranger", false, "shared", "owner", "stranger")]
    [InlineData("stranger", false, "shared", null, "stranger")]
    [InlineData(null, false, "shared", "owner", null)]
    [InlineData("owner", false, "private", "owner", null)]
    [InlineData("admin-project", true, "public", "owner", null)]
    [InlineData("stranger", false, "community", "owner", null)]
    public void MembershipToRead_CallerAndImage_IsTheOneTheDeletePathReads(string? project, bool admin, string visibility, string? owner, string? expected)
    {
        Assert.Equal(expected, MemberDeletePolicy.MembershipToRead(admin, project, visibility, owner, "target"));
    }

    [Theory]
    [InlineData("admin-project", "admin,member,reader", false)]
    [InlineData("owner", "member,reader", false)]
    [InlineData("owner", "reader", false)]
    [InlineData("member", "member,reader", false)]
    [InlineData("target", "member,reader", false)]
    [InlineData("stranger", "member,reader", false)]
    [InlineData(null, "admin", true)]
    [InlineData(null, "member", true)]
    public void Decide_WithOnlyTheReadMembership_MatchesTheFullMemberList(string? project, string roles, bool system)
    {
        var caller = new PolicyCredentials("user", project, roles.Split(','), system ? "all" : null);
        var full = new HashSet<string>(StringComparer.Ordinal) { "member", "target", "other" };
        foreach (var rules in new[] { PolicyRules.Defaults(PolicyMode.Legacy), PolicyRules.Defaults(PolicyMode.Secure) })
        {
            var isAdmin = rules.IsAdmin(caller);
            foreach (var visibility in ImageVisibility.All)
            {
                foreach (var owner in new[] { "owner", null })
                {
                    foreach (var memberId in new[] { "target", "member", "missing" })
                    {
                        var image = new ImageFacts("img", visibility, owner);
                        var everything = new MembershipFacts(project is not null && full.Contains(project), full.Contains(memberId));
                        var probe = MemberDeletePolicy.MembershipToRead(isAdmin, project, visibility, owner, memberId);
                        var partial = MemberDeletePolicy.Membership(probe, probe is not null && full.Contains(probe), project, memberId);

                        var expected = MemberDeletePolicy.Decide(image, everything, caller, "img", memberId, rules);
                        var actual = MemberDeletePolicy.Decide(image, partial, caller, "img", memberId, rules);
                        Assert.True(expected == actual, $"{rules.Mode} {visibility}/{owner ?? "no owner"}/{memberId}: {expected.Rule} vs {actual.Rule}");
                    }
                }
            }
        }
    }
}
