using System.Net;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Glance.Policy.RequestIds;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.MemberPolicy;

/// <summary>
/// Every consequence of CONFORMANCE.md section 1 through the real gateway with tokens issued and
/// validated by a real Keystone 22 (real Redis, hosted store). Member ids are the real project ids.
/// Each denial also shows, as the owner, that the member is still there.
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class MemberDeleteEndToEndTests(KeystoneFixture fixture) : IAsyncLifetime
{
    private readonly KeystoneServer _keystone = fixture.Keystone;
    private RedisServer _redis = null!;
    private GatewayHost _gateway = null!;
    private RealTokens _tokens = null!;

    private HttpClient Client => _gateway.Client;

    private string MemberProject => _keystone.Member.ProjectId;

    // A second member: the admin's project (a real project that is neither owner, member nor stranger).
    private string OtherMember => _keystone.Admin.ProjectId;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.SharedOrNewAsync();
        _gateway = await EndToEndGateway.StartAsync(_keystone, _redis);
        _tokens = await RealTokens.IssueAsync(_keystone);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _redis.DisposeAsync();
    }

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

        using var first = await GlanceApi.DeleteMemberAsync(Client, _tokens.For(who), image, MemberProject);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Empty(await first.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("req-", first.Headers.GetValues(RequestId.HeaderName).Single(), StringComparison.Ordinal);
        Assert.Equal([OtherMember], await GlanceApi.MembersAsync(Client, _tokens.Owner, image));
        var allowed = AuditFor(first);
        Assert.Equal("allow", allowed.Get("Decision"));
        Assert.Equal(204, allowed.Number("BackendStatus"));
        Assert.Equal(who == "owner" ? _keystone.Owner.UserId : _keystone.Admin.UserId, allowed.Get("UserId"));

        using var again = await GlanceApi.DeleteMemberAsync(Client, _tokens.For(who), image, MemberProject);
        await AssertDeniedAsync(again, 404, $"{MemberProject} not found in the member list of the image {image}.", MemberDeleteRule.MemberNotFound);
    }

    [Theory]
    [InlineData("itself")]
    [InlineData("another")]
    [InlineData("bogus")]
    public async Task MemberDelete_MemberRemovesItselfAnotherOrBogus_Returns403AndKeepsMembers(string target)
    {
        var image = await SharedImageWithMembersAsync("accepted");
        var memberId = target switch
        {
            "itself" => MemberProject,
            "another" => OtherMember,
            _ => "bogus-member",
        };

        using var response = await GlanceApi.DeleteMemberAsync(Client, _tokens.Member, image, memberId);

        await AssertDeniedAsync(response, 403, $"Not allowed to delete members for image {image}.", MemberDeleteRule.NotImageOwner);
        Assert.Equal(_keystone.Member.ProjectId, AuditFor(response).Get("ProjectId"));
        await AssertMembersKeptAsync(image);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("bogus")]
    public async Task MemberDelete_StrangerOnSharedImage_Returns404AndKeepsMembers(string target)
    {
        var image = await SharedImageWithMembersAsync("pending");

        using var response = await GlanceApi.DeleteMemberAsync(Client, _tokens.Stranger, image, target == "member" ? MemberProject : "bogus-member");

        await AssertDeniedAsync(response, 404, $"Image {image} not found.", MemberDeleteRule.ImageNotFound);
        await AssertMembersKeptAsync(image);
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
        var image = await GlanceApi.CreateImageAsync(Client, _tokens.Admin, visibility, $"\"owner\": \"{_keystone.Owner.ProjectId}\"");

        using var response = await GlanceApi.DeleteMemberAsync(Client, _tokens.For(who), image, "bogus-member");

        await AssertDeniedAsync(response, 403, $"Not allowed to delete members for image {image}.", MemberDeleteRule.ImageNotShared);
    }

    [Theory]
    [InlineData("owner", 403)]
    [InlineData("admin", 403)]
    [InlineData("member", 404)]
    [InlineData("stranger", 404)]
    public async Task MemberDelete_SharedImageMadePrivate_OwnerAdmin403MemberStranger404(string who, int status)
    {
        var image = await SharedImageWithMembersAsync("accepted");
        await GlanceApi.SetVisibilityAsync(Client, _tokens.Owner, image, "private");

        using var response = await GlanceApi.DeleteMemberAsync(Client, _tokens.For(who), image, MemberProject);

        if (status == 403)
        {
            await AssertDeniedAsync(response, 403, $"Not allowed to delete members for image {image}.", MemberDeleteRule.ImageNotShared);
        }
        else
        {
            await AssertDeniedAsync(response, 404, $"Image {image} not found.", MemberDeleteRule.ImageNotFound);
        }

        // A private image lists no members; shared again, it shows they were all kept.
        await GlanceApi.SetVisibilityAsync(Client, _tokens.Owner, image, "shared");
        await AssertMembersKeptAsync(image);
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("admin")]
    [InlineData("member")]
    [InlineData("stranger")]
    public async Task MemberDelete_DeletedImage_Returns404ForEveryone(string who)
    {
        var image = await SharedImageWithMembersAsync("accepted");
        await GlanceApi.ExpectAsync(Client, HttpMethod.Delete, $"/v2/images/{image}", _tokens.Owner, HttpStatusCode.NoContent);

        using var response = await GlanceApi.DeleteMemberAsync(Client, _tokens.For(who), image, MemberProject);

        await AssertDeniedAsync(response, 404, $"Image {image} not found.", MemberDeleteRule.ImageNotFound);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("garbage")]
    [InlineData("revoked")]
    public async Task MemberDelete_NoGarbageOrRevokedToken_Returns401WithKeystoneChallengeAndKeepsMembers(string kind)
    {
        var image = await SharedImageWithMembersAsync("accepted");
        var token = kind switch
        {
            "none" => null,
            "garbage" => "gAAAAABnot-a-real-fernet-token",
            _ => await RevokedOwnerTokenAsync(),
        };

        using var response = await GlanceApi.DeleteMemberAsync(Client, token, image, MemberProject);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"expected 401, got {(int)response.StatusCode}: {body}");
        Assert.Equal($"Keystone uri=\"{_keystone.Url}\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(GlanceErrorBody.Render(401, GlanceErrorWriter.Unauthorized, GlanceErrorFormat.Plain).Body, body);
        var audit = AuditFor(response);
        Assert.Equal((int)MemberDeleteRule.Unauthenticated, audit.Number("Rule"));
        Assert.Null(audit.Number("BackendStatus"));
        await AssertMembersKeptAsync(image);
    }

    // A real token that Keystone issued and then revoked (DELETE /v3/auth/tokens): Keystone answers
    // 404 to its validation. It never went through the gateway before, so nothing has it cached.
    private async Task<string> RevokedOwnerTokenAsync()
    {
        var token = await _keystone.IssueTokenAsync(_keystone.Owner);
        await _keystone.RevokeAsync(token);
        return token;
    }

    private async Task<string> SharedImageWithMembersAsync(string status)
    {
        var image = await GlanceApi.CreateImageAsync(Client, _tokens.Owner, "shared");
        await GlanceApi.AddMemberAsync(Client, _tokens.Owner, image, MemberProject);
        await GlanceApi.AddMemberAsync(Client, _tokens.Owner, image, OtherMember);
        if (status != "pending")
        {
            await GlanceApi.SetMemberStatusAsync(Client, _tokens.Member, image, MemberProject, status);
        }

        return image;
    }

    private async Task AssertMembersKeptAsync(string image)
    {
        var members = await GlanceApi.MembersAsync(Client, _tokens.Owner, image);
        Assert.Equal(new[] { MemberProject, OtherMember }.Order(StringComparer.Ordinal), members.Order(StringComparer.Ordinal));
    }

    private async Task AssertDeniedAsync(HttpResponseMessage response, int status, string explanation, MemberDeleteRule rule)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(GlanceErrorBody.Render(status, explanation, GlanceErrorFormat.Plain).Body, body);
        var audit = AuditFor(response);
        Assert.Equal("deny", audit.Get("Decision"));
        Assert.Equal((int)rule, audit.Number("Rule"));
        Assert.Equal(status, audit.Number("Status"));
        Assert.Null(audit.Number("BackendStatus"));
    }

    private AuditEvent AuditFor(HttpResponseMessage response)
    {
        var requestId = response.Headers.GetValues(RequestId.HeaderName).Single();
        return Assert.Single(_gateway.AuditEvents(), e => e.Get("RequestId") == requestId);
    }
}
