using Glance.Policy.Members;

namespace Glance.Policy.Tests.Members;

/// <summary>
/// CONFORMANCE.md section 1, rows 5-9 and every listed consequence, as one table over the pure
/// decision function.
/// </summary>
public sealed class MemberDeletePolicyTests
{
    private const string ImageId = "5e8ad6dc-83fc-4f45-8db3-06690a73a2c7";
    private const string Owner = "owner0000000000000000000000000001";
    private const string MemberProject = "member000000000000000000000000002";
    private const string OtherMember = "member000000000000000000000000003";
    private const string Stranger = "strang00000000000000000000000004";
    private const string Bogus = "bogus000000000000000000000000005";

    public enum Who { Admin, SystemAdmin, Owner, Member, Stranger }

    public static TheoryData<string, string, string?, Who, string, MemberDeleteRule, int> Cases => new()
    {
        // owner or admin deletes a member (any status) -> 204
        { "owner deletes member", "shared", Owner, Who.Owner, MemberProject, MemberDeleteRule.Allowed, 204 },
        { "admin deletes member", "shared", Owner, Who.Admin, MemberProject, MemberDeleteRule.Allowed, 204 },
        { "system-scoped admin deletes member", "shared", Owner, Who.SystemAdmin, MemberProject, MemberDeleteRule.Allowed, 204 },
        // the same DELETE again / a non-member -> 404 rule 8
        { "owner deletes non-member", "shared", Owner, Who.Owner, Bogus, MemberDeleteRule.MemberNotFound, 404 },
        { "admin deletes non-member", "shared", Owner, Who.Admin, Bogus, MemberDeleteRule.MemberNotFound, 404 },
        { "member ids are case-sensitive", "shared", Owner, Who.Owner, MemberProject.ToUpperInvariant(), MemberDeleteRule.MemberNotFound, 404 },
        // member deletes itself, another member, a bogus id -> 403 rule 7
        { "member deletes itself", "shared", Owner, Who.Member, MemberProject, MemberDeleteRule.NotImageOwner, 403 },
        { "member deletes another member", "shared", Owner, Who.Member, OtherMember, MemberDeleteRule.NotImageOwner, 403 },
        { "member deletes bogus id", "shared", Owner, Who.Member, Bogus, MemberDeleteRule.NotImageOwner, 403 },
        // stranger on a shared image -> 404 rule 5, whatever the member id
        { "stranger deletes member", "shared", Owner, Who.Stranger, MemberProject, MemberDeleteRule.ImageNotFound, 404 },
        { "stranger deletes bogus id", "shared", Owner, Who.Stranger, Bogus, MemberDeleteRule.ImageNotFound, 404 },
        // public / community -> 403 rule 6 for everyone
        { "owner on public", "public", Owner, Who.Owner, MemberProject, MemberDeleteRule.ImageNotShared, 403 },
        { "admin on public", "public", Owner, Who.Admin, MemberProject, MemberDeleteRule.ImageNotShared, 403 },
        { "stranger on public", "public", Owner, Who.Stranger, MemberProject, MemberDeleteRule.ImageNotShared, 403 },
        { "bogus member on public", "public", Owner, Who.Owner, Bogus, MemberDeleteRule.ImageNotShared, 403 },
        { "owner on community", "community", Owner, Who.Owner, MemberProject, MemberDeleteRule.ImageNotShared, 403 },
        { "admin on community", "community", Owner, Who.Admin, MemberProject, MemberDeleteRule.ImageNotShared, 403 },
        { "stranger on community", "community", Owner, Who.Stranger, Bogus, MemberDeleteRule.ImageNotShared, 403 },
        // shared image with no owner: non-admin -> 403 rule 7; admin -> 204 or 404
        { "no owner, member", "shared", null, Who.Member, MemberProject, MemberDeleteRule.NotImageOwner, 403 },
        { "no owner, stranger", "shared", null, Who.Stranger, MemberProject, MemberDeleteRule.NotImageOwner, 403 },
        { "no owner, admin deletes member", "shared", null, Who.Admin, MemberProject, MemberDeleteRule.Allowed, 204 },
        { "no owner, admin deletes non-member", "shared", null, Who.Admin, Bogus, MemberDeleteRule.MemberNotFound, 404 },
        // shared image later made private: owner/admin -> 403 rule 6; member/stranger -> 404 rule 5
        { "private, owner", "private", Owner, Who.Owner, MemberProject, MemberDeleteRule.ImageNotShared, 403 },
        { "private, admin", "private", Owner, Who.Admin, MemberProject, MemberDeleteRule.ImageNotShared, 403 },
        { "private, member", "private", Owner, Who.Member, MemberProject, MemberDeleteRule.ImageNotFound, 404 },
        { "private, stranger", "private", Owner, Who.Stranger, MemberProject, MemberDeleteRule.ImageNotFound, 404 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_ConformanceRow_MatchesGlance(string name, string visibility, string? owner, Who who, string memberId, MemberDeleteRule rule, int status)
    {
        var image = new ImageFacts(ImageId, visibility, owner, new HashSet<string>(StringComparer.Ordinal) { MemberProject, OtherMember });

        var decision = MemberDeletePolicy.Decide(image, CallerFor(who), ImageId, memberId);

        Assert.True(rule == decision.Rule, $"{name}: expected rule {rule}, got {decision.Rule}");
        Assert.Equal(status, decision.StatusCode);
        Assert.Equal(rule == MemberDeleteRule.Allowed, decision.IsAllowed);
    }

    [Theory]
    [InlineData(Who.Admin)]
    [InlineData(Who.SystemAdmin)]
    [InlineData(Who.Owner)]
    [InlineData(Who.Member)]
    [InlineData(Who.Stranger)]
    public void Decide_DeletedOrMissingImage_IsNotFoundForEveryone(Who who)
    {
        var decision = MemberDeletePolicy.Decide(null, CallerFor(who), ImageId, MemberProject);

        Assert.Equal(MemberDeleteRule.ImageNotFound, decision.Rule);
        Assert.Equal(404, decision.StatusCode);
        Assert.Equal($"Image {ImageId} not found.", decision.Explanation);
    }

    [Fact]
    public void Decide_Forbidden_UsesGlanceMessage()
    {
        var image = new ImageFacts(ImageId, "public", Owner, new HashSet<string>());

        var decision = MemberDeletePolicy.Decide(image, CallerFor(Who.Owner), ImageId, MemberProject);

        Assert.Equal($"Not allowed to delete members for image {ImageId}.", decision.Explanation);
    }

    [Fact]
    public void Decide_MemberNotInList_UsesGlanceMessage()
    {
        var image = new ImageFacts(ImageId, "shared", Owner, new HashSet<string>());

        var decision = MemberDeletePolicy.Decide(image, CallerFor(Who.Owner), ImageId, Bogus);

        Assert.Equal($"{Bogus} not found in the member list of the image {ImageId}.", decision.Explanation);
    }

    [Theory]
    [InlineData("ADMIN")]
    [InlineData("Admin")]
    [InlineData(" admin")]
    public void CallerFrom_AdminRoleInAnyCase_IsAdmin(string role)
    {
        Assert.True(Caller.From(Stranger, ["reader", role]).IsAdmin);
    }

    [Fact]
    public void CallerFrom_MemberRoleOnly_IsNotAdmin()
    {
        Assert.False(Caller.From(Stranger, ["member", "reader", "administrator"]).IsAdmin);
    }

    [Theory]
    [InlineData("GET", "", false, MemberDeleteRule.BlankImageId, 405)]
    [InlineData("DELETE", "", false, MemberDeleteRule.BlankImageId, 405)]
    [InlineData("POST", ImageId, false, MemberDeleteRule.MethodNotAllowed, 405)]
    [InlineData("PATCH", ImageId, false, MemberDeleteRule.MethodNotAllowed, 405)]
    [InlineData("OPTIONS", ImageId, false, MemberDeleteRule.MethodNotAllowed, 405)]
    [InlineData("HEAD", ImageId, false, MemberDeleteRule.MethodNotAllowed, 405)]
    [InlineData("DELETE", ImageId, true, MemberDeleteRule.BodyNotExpected, 400)]
    public void CheckShape_BadShape_IsDecidedBeforeAnyRead(string method, string imageId, bool hasBody, MemberDeleteRule rule, int status)
    {
        var decision = MemberDeletePolicy.CheckShape(method, imageId, hasBody);

        Assert.NotNull(decision);
        Assert.Equal(rule, decision.Rule);
        Assert.Equal(status, decision.StatusCode);
    }

    [Theory]
    [InlineData("GET", false)]
    [InlineData("PUT", true)]
    [InlineData("DELETE", false)]
    public void CheckShape_RoutedMethod_GoesOn(string method, bool hasBody)
    {
        Assert.Null(MemberDeletePolicy.CheckShape(method, ImageId, hasBody));
    }

    [Fact]
    public void CheckShape_MethodNotAllowed_KeepsWebobTrailingSpace()
    {
        var decision = MemberDeletePolicy.CheckShape("POST", ImageId, false);

        Assert.Equal("The method POST is not allowed for this resource. ", decision?.Explanation);
    }

    private static Caller CallerFor(Who who) => who switch
    {
        Who.Admin => Caller.From("adminproject00000000000000000009", ["admin", "member"]),
        Who.SystemAdmin => Caller.From(null, ["admin"]),
        Who.Owner => Caller.From(Owner, ["member", "reader"]),
        Who.Member => Caller.From(MemberProject, ["member", "reader"]),
        _ => Caller.From(Stranger, ["member", "reader"]),
    };
}
