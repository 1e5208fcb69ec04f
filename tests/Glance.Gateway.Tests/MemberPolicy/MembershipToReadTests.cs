using Glance.Gateway.MemberPolicy;
using Glance.Policy.Members;

namespace Glance.Gateway.Tests.MemberPolicy;

/// <summary>
/// The pre-check reads at most one membership: exactly the one <see cref="MemberDeletePolicy.Decide"/>
/// asks about, so that a partial member set decides as the full list would.
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
    [InlineData("stranger", false, "shared", null, null)]
    [InlineData(null, false, "shared", "owner", null)]
    [InlineData("owner", false, "private", "owner", null)]
    [InlineData("admin-project", true, "public", "owner", null)]
    [InlineData("stranger", false, "community", "owner", null)]
    public void MembershipToRead_CallerAndImage_IsTheOneTheRulesAskAbout(string? project, bool admin, string visibility, string? owner, string? expected)
    {
        Assert.Equal(expected, ImageMetadataClient.MembershipToRead(new Caller(project, admin), visibility, owner, "target"));
    }

    [Theory]
    [InlineData("admin-project", true)]
    [InlineData("owner", false)]
    [InlineData("member", false)]
    [InlineData("stranger", false)]
    [InlineData(null, false)]
    public void Decide_WithOnlyTheReadMembership_MatchesTheFullMemberList(string? project, bool admin)
    {
        var caller = new Caller(project, admin);
        var full = new HashSet<string>(StringComparer.Ordinal) { "member", "target", "other" };
        foreach (var visibility in ImageVisibility.All)
        {
            foreach (var owner in new[] { "owner", null })
            {
                foreach (var memberId in new[] { "target", "member", "missing" })
                {
                    var probe = ImageMetadataClient.MembershipToRead(caller, visibility, owner, memberId);
                    var partial = new HashSet<string>(StringComparer.Ordinal);
                    if (probe is not null && full.Contains(probe))
                    {
                        partial.Add(probe);
                    }

                    var expected = MemberDeletePolicy.Decide(new ImageFacts("img", visibility, owner, full), caller, "img", memberId);
                    var actual = MemberDeletePolicy.Decide(new ImageFacts("img", visibility, owner, partial), caller, "img", memberId);
                    Assert.True(expected == actual, $"{visibility}/{owner ?? "no owner"}/{memberId}: {expected.Rule} vs {actual.Rule}");
                }
            }
        }
    }
}
