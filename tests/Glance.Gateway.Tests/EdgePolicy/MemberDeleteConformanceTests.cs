using System.Net;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Glance.Policy.RequestIds;

namespace Glance.Gateway.Tests.EdgePolicy;

/// <summary>
/// Every consequence of CONFORMANCE.md section 1 through the real gateway (WireMock Keystone, real
/// Redis, hosted store), as admin, owner, member and stranger. Each denial also shows that the
/// member is still there and that the decision never reached the backend (audit: no backend status).
/// </summary>
[Trait("Host", "Any")]
public sealed class MemberDeleteConformanceTests : IAsyncLifetime
{
    private const string OtherMember = Identities.OtherMemberProject;
    private GatewayFixture _fx = null!;

    private HttpClient Client => _fx.Client;

    private Identities Ids => _fx.Ids;

    public async Task InitializeAsync() => _fx = await GatewayFixture.StartAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Theory]
    [InlineData("owner", "pending")]
    [InlineData("owner", "accepted")]
    [InlineData("owner", "rejected")]
    [InlineData("admin", "pending")]
    [InlineData("admin", "accepted")]
    [InlineData("admin", "rejected")]
    [InlineData("system-admin", "accepted")]
    public async Task MemberDelete_OwnerOrAdminRemovesMemberOfAnyStatus_Returns204ThenRepeatReturns404(string who, string status)
    {
        var image = await SharedImageWithMembersAsync(status);

        using var first = await GlanceApi.DeleteMemberAsync(Client, Ids.Token(who), image, Identities.MemberProject);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Empty(await first.Content.ReadAsByteArrayAsync());
        Assert.Null(first.Content.Headers.ContentType);
        Assert.StartsWith("req-", first.Headers.GetValues(RequestId.HeaderName).Single(), StringComparison.Ordinal);
        Assert.False(await GlanceApi.MemberExistsAsync(Client, Ids.Admin, image, Identities.MemberProject));
        Assert.True(await GlanceApi.MemberExistsAsync(Client, Ids.Admin, image, OtherMember));
        var allowed = AuditFor(first);
        Assert.Equal("allow", allowed.Get("Decision"));
        Assert.Equal(204, allowed.Number("BackendStatus"));
        Assert.True(StoreDecided(first), "the store logs the DELETE it received");

        using var again = await GlanceApi.DeleteMemberAsync(Client, Ids.Token(who), image, Identities.MemberProject);
        await AssertDeniedAsync(again, 404, $"{Identities.MemberProject} not found in the member list of the image {image}.", MemberDeleteRule.MemberNotFound);
    }

    [Theory]
    [InlineData(Identities.MemberProject)]
    [InlineData(OtherMember)]
    [InlineData("bogus-member")]
    public async Task MemberDelete_MemberRemovesItselfAnotherOrBogus_Returns403AndKeepsMembers(string target)
    {
        var image = await SharedImageWithMembersAsync("accepted");

        using var response = await GlanceApi.DeleteMemberAsync(Client, Ids.Member, image, target);

        await AssertDeniedAsync(response, 403, $"Not allowed to delete members for image {image}.", MemberDeleteRule.NotImageOwner);
        Assert.True(await GlanceApi.MemberExistsAsync(Client, Ids.Admin, image, Identities.MemberProject));
        Assert.True(await GlanceApi.MemberExistsAsync(Client, Ids.Admin, image, OtherMember));
    }

    [Theory]
    [InlineData(Identities.MemberProject)]
    [InlineData("bogus-member")]
    public async Task MemberDelete_StrangerOnSharedImage_Returns404AndKeepsMembers(string target)
    {
        var image = await SharedImageWithMembersAsync("pending");

        using var response = await GlanceApi.DeleteMemberAsync(Client, Ids.Stranger, image, target);

        await AssertDeniedAsync(response, 404, $"Image {image} not found.", MemberDeleteRule.ImageNotFound);
        Assert.True(await GlanceApi.MemberExistsAsync(Client, Ids.Admin, image, Identities.MemberProject));
    }

    [Theory]
    [InlineData("public", "owner")]
    [InlineData("public", "admin")]
    [InlineData("public", "stranger")]
    [InlineData("community", "owner")]
    [InlineData("community", "admin")]
    [InlineData("community", "stranger")]
    public async Task MemberDelete_PublicOrCommunityImage_Returns403ForEveryone(string visibility, string who)
    {
        var image = await GlanceApi.CreateImageAsync(Client, Ids.Admin, visibility, $"\"owner\": \"{Identities.OwnerProject}\"");

        using var response = await GlanceApi.DeleteMemberAsync(Client, Ids.Token(who), image, "bogus-member");

        await AssertDeniedAsync(response, 403, $"Not allowed to delete members for image {image}.", MemberDeleteRule.ImageNotShared);
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("member")]
    [InlineData("stranger")]
    public async Task MemberDelete_SharedImageWithoutOwnerAsNonAdmin_Returns403(string who)
    {
        var image = await SharedImageWithMembersAsync("accepted");
        await GlanceApi.PatchAsync(Client, Ids.Admin, image, "[{\"op\": \"replace\", \"path\": \"/owner\", \"value\": null}]");

        using var response = await GlanceApi.DeleteMemberAsync(Client, Ids.Token(who), image, Identities.MemberProject);

        await AssertDeniedAsync(response, 403, $"Not allowed to delete members for image {image}.", MemberDeleteRule.NotImageOwner);
        Assert.True(await GlanceApi.MemberExistsAsync(Client, Ids.Admin, image, Identities.MemberProject));
    }

    [Fact]
    public async Task MemberDelete_SharedImageWithoutOwnerAsAdmin_Returns204ForMemberAnd404ForNonMember()
    {
        var image = await SharedImageWithMembersAsync("accepted");
        await GlanceApi.PatchAsync(Client, Ids.Admin, image, "[{\"op\": \"replace\", \"path\": \"/owner\", \"value\": null}]");

        using var nonMember = await GlanceApi.DeleteMemberAsync(Client, Ids.Admin, image, "bogus-member");
        await AssertDeniedAsync(nonMember, 404, $"bogus-member not found in the member list of the image {image}.", MemberDeleteRule.MemberNotFound);

        using var member = await GlanceApi.DeleteMemberAsync(Client, Ids.Admin, image, Identities.MemberProject);
        Assert.Equal(HttpStatusCode.NoContent, member.StatusCode);
    }

    [Theory]
    [InlineData("owner", 403)]
    [InlineData("admin", 403)]
    [InlineData("member", 404)]
    [InlineData("stranger", 404)]
    public async Task MemberDelete_SharedImageMadePrivate_OwnerAdmin403MemberStranger404(string who, int status)
    {
        var image = await SharedImageWithMembersAsync("accepted");
        await GlanceApi.PatchAsync(Client, Ids.Owner, image, "[{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"private\"}]");

        using var response = await GlanceApi.DeleteMemberAsync(Client, Ids.Token(who), image, Identities.MemberProject);

        if (status == 403)
        {
            await AssertDeniedAsync(response, 403, $"Not allowed to delete members for image {image}.", MemberDeleteRule.ImageNotShared);
        }
        else
        {
            await AssertDeniedAsync(response, 404, $"Image {image} not found.", MemberDeleteRule.ImageNotFound);
        }

        await GlanceApi.PatchAsync(Client, Ids.Owner, image, "[{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"shared\"}]");
        Assert.True(await GlanceApi.MemberExistsAsync(Client, Ids.Admin, image, Identities.MemberProject));
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("admin")]
    [InlineData("member")]
    [InlineData("stranger")]
    public async Task MemberDelete_DeletedImage_Returns404ForEveryone(string who)
    {
        var image = await SharedImageWithMembersAsync("accepted");
        await GlanceApi.ExpectAsync(Client, HttpMethod.Delete, $"/v2/images/{image}", Ids.Owner, HttpStatusCode.NoContent);

        using var response = await GlanceApi.DeleteMemberAsync(Client, Ids.Token(who), image, Identities.MemberProject);

        await AssertDeniedAsync(response, 404, $"Image {image} not found.", MemberDeleteRule.ImageNotFound);
    }

    [Theory]
    [InlineData("deactivated")]
    [InlineData("protected")]
    [InlineData("hidden")]
    public async Task MemberDelete_DeactivatedProtectedOrHiddenImage_OwnerGets204(string kind)
    {
        var extra = kind switch
        {
            "protected" => "\"protected\": true",
            "hidden" => "\"os_hidden\": true",
            _ => null,
        };
        var image = await GlanceApi.CreateImageAsync(Client, Ids.Owner, "shared", extra);
        await GlanceApi.AddMemberAsync(Client, Ids.Owner, image, Identities.MemberProject);
        if (kind == "deactivated")
        {
            await GlanceApi.UploadAsync(Client, Ids.Owner, image);
            await GlanceApi.ExpectAsync(Client, HttpMethod.Post, $"/v2/images/{image}/actions/deactivate", Ids.Admin, HttpStatusCode.NoContent);
        }

        using var response = await GlanceApi.DeleteMemberAsync(Client, Ids.Owner, image, Identities.MemberProject);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(await GlanceApi.MemberExistsAsync(Client, Ids.Admin, image, Identities.MemberProject));
    }

    [Theory]
    [InlineData("upper")]
    [InlineData("not-a-uuid")]
    [InlineData("long")]
    [InlineData("unknown")]
    public async Task MemberDelete_ImageIdNotExactlyStored_Returns404EvenForAdmin(string kind)
    {
        var image = await SharedImageWithMembersAsync("accepted");
        var id = kind switch
        {
            "upper" => image.ToUpperInvariant(),
            "long" => image + "0",
            "unknown" => Guid.NewGuid().ToString(),
            _ => "not-a-uuid",
        };

        using var response = await GlanceApi.DeleteMemberAsync(Client, Ids.Admin, id, Identities.MemberProject);

        await AssertDeniedAsync(response, 404, $"Image {id} not found.", MemberDeleteRule.ImageNotFound);
        Assert.True(await GlanceApi.MemberExistsAsync(Client, Ids.Admin, image, Identities.MemberProject));
    }

    [Fact]
    public async Task MemberDelete_PercentEncodedIds_AreDecodedBeforeMatching()
    {
        var image = await SharedImageWithMembersAsync("accepted");
        var encoded = image.Replace("-", "%2D", StringComparison.Ordinal);

        using var response = await GlanceApi.DeleteMemberAsync(Client, Ids.Owner, encoded, "project%2Db");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task MemberDelete_QueryString_IsIgnored()
    {
        var image = await SharedImageWithMembersAsync("accepted");
        using var request = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{image}/members/{Identities.MemberProject}?member=x&image=y", Ids.Member);

        using var response = await Client.SendAsync(request);

        await AssertDeniedAsync(response, 403, $"Not allowed to delete members for image {image}.", MemberDeleteRule.NotImageOwner);
    }

    private async Task<string> SharedImageWithMembersAsync(string status)
    {
        var image = await GlanceApi.CreateImageAsync(Client, Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(Client, Ids.Owner, image, Identities.MemberProject);
        await GlanceApi.AddMemberAsync(Client, Ids.Owner, image, OtherMember);
        if (status != "pending")
        {
            await GlanceApi.SetMemberStatusAsync(Client, Ids.Member, image, Identities.MemberProject, status);
        }

        return image;
    }

    private async Task AssertDeniedAsync(HttpResponseMessage response, int status, string explanation, MemberDeleteRule rule)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(GlanceErrorBody.Render(status, explanation, GlanceErrorFormat.Plain).Body, body);
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
        var audit = AuditFor(response);
        Assert.Equal("deny", audit.Get("Decision"));
        Assert.Equal((int)rule, audit.Number("Rule"));
        Assert.Equal(status, audit.Number("Status"));
        Assert.Null(audit.Number("BackendStatus"));
        Assert.False(StoreDecided(response), "a denial must not reach the store's DELETE");
    }

    // The hosted store logs every member DELETE it receives (with the request id the gateway
    // passes on) into the gateway's application log.
    private bool StoreDecided(HttpResponseMessage response)
    {
        var requestId = response.Headers.GetValues(RequestId.HeaderName).Single();
        return _fx.Gateway.AppLog().Split('\n').Any(line => line.Contains("Member DELETE", StringComparison.Ordinal) && line.Contains(requestId, StringComparison.Ordinal));
    }

    private AuditEvent AuditFor(HttpResponseMessage response)
    {
        var requestId = response.Headers.GetValues(RequestId.HeaderName).Single();
        return Assert.Single(_fx.Gateway.AuditEvents(), e => e.Get("RequestId") == requestId);
    }
}
