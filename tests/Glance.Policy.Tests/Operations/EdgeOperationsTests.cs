using System.Text.Json;
using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Operations;
using Glance.Policy.Routing;
using Glance.Policy.Rules;
using Glance.Policy.Tests.Members;

namespace Glance.Policy.Tests.Operations;

/// <summary>
/// The registry and the image and member operations' decisions, each against the answer Glance 25
/// gives (its controllers' words; the same rows the store's and the end-to-end suites check against
/// a running Glance): the lookup's 404 in each controller's own words, the coded checks before the
/// rule, the rule with its <c>get_image</c> gate, and the legacy ownership checks.
/// </summary>
public sealed class EdgeOperationsTests
{
    private const string Id = Identities.ImageId;
    private static readonly PolicyRules Legacy = PolicyRules.Defaults(PolicyMode.Legacy);
    private static readonly PolicyRules Secure = PolicyRules.Defaults(PolicyMode.Secure);

    private static readonly ImageFacts Private = new(Id, ImageVisibility.Private, Identities.OwnerProject);
    private static readonly ImageFacts Shared = new(Id, ImageVisibility.Shared, Identities.OwnerProject);

    [Fact]
    public void Registry_EveryOperationIsARouteOfGlancesRouter_NamedOnce()
    {
        var routed = GlanceRoutes.All.SelectMany(route => route.Methods).ToList();

        Assert.All(EdgeOperations.All, op => Assert.Contains(routed, m => op.Matches(m)));
        Assert.Equal(EdgeOperations.All.Count, EdgeOperations.All.Select(op => op.Name).Distinct().Count());
        Assert.All(EdgeOperations.All, op => Assert.Same(op, EdgeOperations.Find(routed.First(m => op.Matches(m)))));
        Assert.Null(EdgeOperations.Find(routed.First(m => m.Controller == "schemas")));
    }

    [Theory]
    [InlineData("legacy", Who.Stranger, 404, "No image found with ID " + Id)]
    [InlineData("secure", Who.Stranger, 404, "No image found with ID " + Id)]
    [InlineData("legacy", Who.Owner, 0, null)]
    [InlineData("secure", Who.OwnerReader, 0, null)]
    [InlineData("secure", Who.SystemAdmin, 404, "The resource could not be found.")] // admin sees it; get_image refuses a system scope: the bare 404
    [InlineData("legacy", Who.Admin, 0, null)]
    public void GetImage_PrivateImage(string mode, Who who, int status, string? explanation) =>
        AssertDecision("get_image", Input(mode, who, Private), status, explanation);

    [Fact]
    public void DeleteImage_ASharedImageTheCallerIsNotMemberOf_IsNotFoundInDeletesWords() =>
        AssertDecision("delete_image", Input("legacy", Who.Member, Shared, isMember: false), 404, "Failed to find image " + Id + " to delete");

    [Theory]
    [InlineData("legacy", Who.Owner, 0, null)]
    [InlineData("secure", Who.Owner, 0, null)]
    [InlineData("secure", Who.OwnerReader, 403, "You are not authorized to complete delete_image action.")]
    [InlineData("secure", Who.Member, 403, "You are not authorized to complete delete_image action.")]
    [InlineData("legacy", Who.Member, 403, ImagePolicy.NotOwner)]
    public void DeleteImage_SharedImage(string mode, Who who, int status, string? explanation) =>
        AssertDecision("delete_image", Input(mode, who, Shared, isMember: who == Who.Member), status, explanation);

    [Theory]
    [InlineData(Who.Owner, 403, ImageOperations.DeactivatedDownload)]
    [InlineData(Who.Admin, 0, null)]
    public void DownloadImage_Deactivated_OnlyAnAdminPasses(Who who, int status, string? explanation) =>
        AssertDecision("download_image", Input("legacy", who, Private with { Status = "deactivated" }), status, explanation);

    [Theory]
    [InlineData("text/plain", Who.Owner, 415, null)]
    [InlineData("application/octet-stream", Who.Stranger, 404, "No image found with ID " + Id)]
    [InlineData("application/octet-stream", Who.Member, 403, "Not allowed to upload image data for image " + Id)]
    [InlineData(null, Who.Owner, 0, null)]
    public void UploadImage_MediaTypeLookupThenRule(string? contentType, Who who, int status, string? explanation)
    {
        var decision = EdgeOperations.Named("upload_image")!.Decide(Input("legacy", who, Shared, isMember: who == Who.Member) with { ContentType = contentType });

        Assert.Equal(status, decision.StatusCode);
        if (explanation is not null)
        {
            Assert.Equal(explanation, decision.Explanation);
        }
    }

    [Theory]
    [InlineData("legacy", "private", 403, "Not allowed to list members for image " + Id + ": Only shared images have members.")]
    [InlineData("legacy", "shared", 0, null)]
    [InlineData("secure", "shared", 0, null)]
    public void GetMembers_OnlySharedImagesHaveMembers(string mode, string visibility, int status, string? explanation) =>
        AssertDecision("get_members", Input(mode, Who.Owner, Private with { Visibility = visibility }), status, explanation);

    [Fact]
    public void GetMember_NotShared_IsA404WithTheForbiddensWords() =>
        AssertDecision("get_member", Input("legacy", Who.Owner, Private) with { MemberId = Identities.MemberProject }, 404, "Only shared images have members.");

    [Theory]
    [InlineData("{}", Who.Owner, 400, "Member to be added not specified")]
    [InlineData("{\"member\": \"\"}", Who.Owner, 400, "Member can't be empty")]
    [InlineData("[1]", Who.Owner, 400, "Expected a member in the form: {\"member\": \"image_id\"}")]
    [InlineData("{\"member\": \"m\"}", Who.Member, 403, "Not allowed to create members for image " + Id + ".")]
    [InlineData("{\"member\": \"m\"}", Who.Stranger, 404, "Image " + Id + " not found.")]
    [InlineData("{\"member\": \"m\"}", Who.Owner, 0, null)]
    public void AddMember_BodyLookupOwnershipRule(string body, Who who, int status, string? explanation)
    {
        using var document = JsonDocument.Parse(body);
        AssertDecision("add_member", Input("legacy", who, Shared, isMember: who == Who.Member) with { Body = document.RootElement }, status, explanation);
    }

    [Theory]
    [InlineData("legacy", Who.Owner, 403, "Not allowed to update members for image " + Id + ".")]
    [InlineData("legacy", Who.Member, 0, null)]
    [InlineData("secure", Who.Member, 0, null)]
    [InlineData("secure", Who.Owner, 403, "You are not authorized to complete modify_member action.")]
    public void ModifyMember_TheMembersOwnStatus(string mode, Who who, int status, string? explanation)
    {
        using var document = JsonDocument.Parse("{\"status\": \"accepted\"}");
        var input = Input(mode, who, Shared, isMember: who == Who.Member) with
        {
            MemberId = Identities.MemberProject,
            Body = document.RootElement,
            Membership = new MembershipFacts(CallerIsMember: who == Who.Member, MemberExists: true),
        };
        AssertDecision("modify_member", input, status, explanation);
    }

    [Fact]
    public void AddImageTag_TooLong_IsTheSchemasRefusal_BeforeTheLookup()
    {
        var input = Input("legacy", Who.Stranger, Private) with { Values = new Dictionary<string, string> { ["tag_value"] = new string('t', 256) } };

        var decision = EdgeOperations.Named("add_image_tag")!.Decide(input);

        Assert.Equal(400, decision.StatusCode);
        Assert.StartsWith("Provided object does not match schema 'image': 'tttt", decision.Explanation, StringComparison.Ordinal);
        Assert.Equal(404, EdgeOperations.Named("delete_image_tag")!.Decide(input).StatusCode);
    }

    private static EdgeInput Input(string mode, Who who, ImageFacts image, bool isMember = false) =>
        new(new Caller(Identities.For(who), mode == "legacy" ? Legacy : Secure), Id, null)
        {
            Image = image,
            Membership = new MembershipFacts(isMember, false),
        };

    private static void AssertDecision(string operation, EdgeInput input, int status, string? explanation)
    {
        var decision = EdgeOperations.Named(operation)!.Decide(input);

        Assert.Equal(operation, decision.Operation);
        if (status == 0)
        {
            Assert.True(decision.IsAllowed, $"{operation}: expected an allow, got {decision}");
            Assert.Equal(EdgeOperations.Named(operation)!.Rule, decision.PolicyRule);
            return;
        }

        Assert.False(decision.IsAllowed, $"{operation}: expected {status}, got an allow");
        Assert.Equal(status, decision.StatusCode);
        if (explanation is not null)
        {
            Assert.Equal(explanation, decision.Explanation);
        }
    }
}
