using System.Net;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Glance.Policy.RequestIds;

namespace Glance.Gateway.Tests.Policy;

/// <summary>
/// The member-DELETE decision through the real gateway (WireMock Keystone with Keystone's implied
/// roles, real Redis, hosted store) in Glance's secure mode and in the legacy mode: status,
/// message, that a refused request changed nothing and never reached the store, and the audit's
/// policy rule and mode (CONFORMANCE section 5).
/// </summary>
[Trait("Host", "Any")]
public sealed class PolicyModeTests : IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N");
    private GatewayFixture _secure = null!;
    private GatewayFixture _legacy = null!;

    private string Admin => "p-admin-" + _suffix;

    private string Owner => "p-owner-" + _suffix;

    private string Member => "p-member-" + _suffix;

    private string Reader => "p-reader-" + _suffix;

    private string SystemAdmin => "p-system-" + _suffix;

    public async Task InitializeAsync()
    {
        _secure = await GatewayFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Policy:EnforceNewDefaults"] = "true",
            ["Policy:EnforceScope"] = "true",
        });
        _legacy = await GatewayFixture.StartAsync();
        foreach (var keystone in new[] { _secure.Keystone, _legacy.Keystone })
        {
            keystone.AddToken(Admin, "admin-user", "admin-project", ["admin", "member", "reader"]);
            keystone.AddToken(Owner, "owner-user", Identities.OwnerProject, ["member", "reader"]);
            keystone.AddToken(Member, "member-user", Identities.MemberProject, ["member", "reader"]);
            keystone.AddToken(Reader, "reader-user", Identities.OwnerProject, ["reader"]);
            keystone.AddToken(SystemAdmin, "system-user", null, ["admin", "member", "reader"], system: true);
        }
    }

    public async Task DisposeAsync()
    {
        await _secure.DisposeAsync();
        await _legacy.DisposeAsync();
    }

    [Fact]
    public async Task SecureMode_MemberDeletesOwnMembership_Returns403DeleteMemberAndKeepsIt()
    {
        var image = await SharedImageAsync(_secure);

        using var response = await GlanceApi.DeleteMemberAsync(_secure.Client, Member, image, Identities.MemberProject);

        await AssertDeniedAsync(_secure, response, 403, "You are not authorized to complete delete_member action.", MemberDeleteRule.PolicyRefused, "delete_member", "secure");
        Assert.True(await GlanceApi.MemberExistsAsync(_secure.Client, Admin, image, Identities.MemberProject));
    }

    [Fact]
    public async Task SecureMode_MemberDeletesAnotherMember_Returns404MemberNotFound()
    {
        var image = await SharedImageAsync(_secure);

        using var response = await GlanceApi.DeleteMemberAsync(_secure.Client, Member, image, Identities.OtherMemberProject);

        await AssertDeniedAsync(_secure, response, 404, $"{Identities.OtherMemberProject} not found in the member list of the image {image}.", MemberDeleteRule.MemberNotFound, null, "secure");
        Assert.True(await GlanceApi.MemberExistsAsync(_secure.Client, Admin, image, Identities.OtherMemberProject));
    }

    [Fact]
    public async Task SecureMode_ReaderOfOwningProject_Returns403WhereLegacyGives204()
    {
        var secureImage = await SharedImageAsync(_secure);
        var legacyImage = await SharedImageAsync(_legacy);

        using var secure = await GlanceApi.DeleteMemberAsync(_secure.Client, Reader, secureImage, Identities.MemberProject);
        using var legacy = await GlanceApi.DeleteMemberAsync(_legacy.Client, Reader, legacyImage, Identities.MemberProject);

        await AssertDeniedAsync(_secure, secure, 403, "You are not authorized to complete delete_member action.", MemberDeleteRule.PolicyRefused, "delete_member", "secure");
        Assert.True(await GlanceApi.MemberExistsAsync(_secure.Client, Admin, secureImage, Identities.MemberProject));
        Assert.Equal(HttpStatusCode.NoContent, legacy.StatusCode);
        Assert.False(await GlanceApi.MemberExistsAsync(_legacy.Client, Admin, legacyImage, Identities.MemberProject));
    }

    [Fact]
    public async Task SecureMode_SystemScopedAdmin_Returns404ResourceNotFoundByGetImage()
    {
        var image = await SharedImageAsync(_secure);

        using var response = await GlanceApi.DeleteMemberAsync(_secure.Client, SystemAdmin, image, Identities.MemberProject);

        await AssertDeniedAsync(_secure, response, 404, GlanceErrorWriter.ResourceNotFound, MemberDeleteRule.PolicyRefused, "get_image", "secure");
        Assert.True(await GlanceApi.MemberExistsAsync(_secure.Client, Admin, image, Identities.MemberProject));
    }

    [Fact]
    public async Task SecureMode_OwnerDeletesMember_Returns204AndAuditNamesDeleteMember()
    {
        var image = await SharedImageAsync(_secure);

        using var response = await GlanceApi.DeleteMemberAsync(_secure.Client, Owner, image, Identities.MemberProject);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(await GlanceApi.MemberExistsAsync(_secure.Client, Admin, image, Identities.MemberProject));
        var audit = AuditFor(_secure, response);
        Assert.Equal("allow", audit.Get("Decision"));
        Assert.Equal("delete_member", audit.Get("PolicyRule"));
        Assert.Equal("secure", audit.Get("PolicyMode"));
        Assert.Equal(204, audit.Number("BackendStatus"));
    }

    [Fact]
    public async Task LegacyMode_MemberDeletesOwnMembership_Returns403ByTheCodedOwnershipCheck()
    {
        var image = await SharedImageAsync(_legacy);

        using var response = await GlanceApi.DeleteMemberAsync(_legacy.Client, Member, image, Identities.MemberProject);

        await AssertDeniedAsync(_legacy, response, 403, $"Not allowed to delete members for image {image}.", MemberDeleteRule.NotImageOwner, null, "legacy");
        Assert.True(await GlanceApi.MemberExistsAsync(_legacy.Client, Admin, image, Identities.MemberProject));
    }

    private async Task<string> SharedImageAsync(GatewayFixture fx)
    {
        var image = await GlanceApi.CreateImageAsync(fx.Client, Owner, "shared");
        await GlanceApi.AddMemberAsync(fx.Client, Owner, image, Identities.MemberProject);
        await GlanceApi.AddMemberAsync(fx.Client, Owner, image, Identities.OtherMemberProject);
        return image;
    }

    internal static async Task AssertDeniedAsync(
        GatewayFixture fx, HttpResponseMessage response, int status, string explanation, MemberDeleteRule rule, string? policyRule, string mode)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(GlanceErrorBody.Render(status, explanation, GlanceErrorFormat.Plain).Body, body);
        var audit = AuditFor(fx, response);
        Assert.Equal("deny", audit.Get("Decision"));
        Assert.Equal((int)rule, audit.Number("Rule"));
        Assert.Equal(policyRule, audit.Get("PolicyRule"));
        Assert.Equal(mode, audit.Get("PolicyMode"));
        Assert.Null(audit.Number("BackendStatus"));
        var requestId = response.Headers.GetValues(RequestId.HeaderName).Single();
        Assert.DoesNotContain(fx.Gateway.AppLog().Split('\n'), line => line.Contains("Member DELETE", StringComparison.Ordinal) && line.Contains(requestId, StringComparison.Ordinal));
    }

    internal static AuditEvent AuditFor(GatewayFixture fx, HttpResponseMessage response)
    {
        var requestId = response.Headers.GetValues(RequestId.HeaderName).Single();
        return Assert.Single(fx.Gateway.AuditEvents(), e => e.Get("RequestId") == requestId);
    }
}
