using System.Net;
using Glance.Gateway.Keystone;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Members;

namespace Glance.Gateway.Tests.Keystone;

/// <summary>
/// Application credentials with access rules, as keystonemiddleware's validate_allowed_request
/// decides them: a token whose credential has rules passes only with the gateway's service type in
/// its catalog and a rule for the request's method and (canonical) path.
/// </summary>
[Trait("Host", "Any")]
public sealed class AccessRuleTests : IAsyncLifetime
{
    private const string ReadOnlyRules = """[{"id": "r1", "service": "image", "method": "GET", "path": "/v2/images"}, {"id": "r2", "service": "image", "method": "GET", "path": "/v2/images/*"}]""";
    private GatewayFixture _fx = null!;
    private string _image = null!;

    public async Task InitializeAsync()
    {
        _fx = await GatewayFixture.StartAsync();
        _image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, _image, Identities.MemberProject);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task RestrictedToImageReads_ListsAndShows_But401OnMemberDeleteAndUpload_NothingChanged()
    {
        var token = "appcred-readonly-" + Guid.NewGuid().ToString("N");
        _fx.Keystone.AddApplicationCredentialToken(token, "owner-user", Identities.OwnerProject, ["member", "reader"], ReadOnlyRules, ["identity", "image"]);

        using (var list = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token)))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        using (var show = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{_image}", token)))
        {
            Assert.Equal(HttpStatusCode.OK, show.StatusCode);
        }

        // Version negotiation first: /v2.1/images is /v2/images to the rules, as to keystonemiddleware behind Glance's versionnegotiation.
        using (var negotiated = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2.1/images", token)))
        {
            Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
        }

        using (var delete = await GlanceApi.DeleteMemberAsync(_fx.Client, token, _image, Identities.MemberProject))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
            using var unknown = await GlanceApi.DeleteMemberAsync(_fx.Client, "no-such-token", _image, Identities.MemberProject);
            Assert.Equal(await unknown.Content.ReadAsStringAsync(), await delete.Content.ReadAsStringAsync()); // the 401 of any refused token
            Assert.True(delete.Headers.Contains("WWW-Authenticate"));
        }

        using var upload = GlanceApi.Request(HttpMethod.Put, $"/v2/images/{_image}/file", token);
        upload.Content = new ByteArrayContent([1, 2, 3]);
        upload.Content.Headers.ContentType = new("application/octet-stream");
        using (var refused = await _fx.Client.SendAsync(upload))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Nothing changed: the member is still there, the image still has no data.
        using var member = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{_image}/members/{Identities.MemberProject}", _fx.Ids.Owner));
        Assert.Equal(HttpStatusCode.OK, member.StatusCode);
        using var image = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{_image}", _fx.Ids.Owner));
        Assert.Contains("\"status\": \"queued\"", await image.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The refused DELETE is audited as unauthenticated, with the credential's user.
        var audit = await AuditEvent.EventuallyAsync(() => _fx.Gateway.AuditEvents().Where(e => e.Get("UserId") is null && e.Number("Status") == 401));
        Assert.Contains(audit, e => e.Number("Rule") == (int)MemberDeleteRule.Unauthenticated && e.Get("MemberId") == Identities.MemberProject);

        // Validated declaring access-rules support; once without the catalog, then with it.
        Assert.Contains("nocatalog", _fx.Keystone.ValidationQueries(token));
        Assert.Contains(string.Empty, _fx.Keystone.ValidationQueries(token));
        Assert.All(
            _fx.Keystone.Server.LogEntries.Where(e => KeystoneStub.HeaderValue(e.RequestMessage.Headers, "X-Subject-Token") == token),
            e => Assert.Equal("1", KeystoneStub.HeaderValue(e.RequestMessage.Headers, KeystoneClient.AccessRulesHeader)));
    }

    [Fact]
    public async Task UnrestrictedCredential_WorksForEverythingItsRolesAllow()
    {
        var token = "appcred-open-" + Guid.NewGuid().ToString("N");
        _fx.Keystone.AddApplicationCredentialToken(token, "owner-user", Identities.OwnerProject, ["member", "reader"], accessRulesJson: null, ["image"]);

        using var delete = await GlanceApi.DeleteMemberAsync(_fx.Client, token, _image, Identities.MemberProject);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(["nocatalog"], _fx.Keystone.ValidationQueries(token)); // no rules: the catalog is never asked for
    }

    [Fact]
    public async Task RulesButNoImageServiceInTheCatalog_401EvenForAnAllowedRequest()
    {
        var token = "appcred-nocatalog-" + Guid.NewGuid().ToString("N");
        _fx.Keystone.AddApplicationCredentialToken(token, "owner-user", Identities.OwnerProject, ["member", "reader"], ReadOnlyRules, ["identity", "compute"]);

        using var list = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token));
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }

    [Fact]
    public async Task EmptyRuleList_AllowsNothing()
    {
        var token = "appcred-empty-" + Guid.NewGuid().ToString("N");
        _fx.Keystone.AddApplicationCredentialToken(token, "owner-user", Identities.OwnerProject, ["member", "reader"], "[]", ["image"]);

        using var list = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token));
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }

    [Fact]
    public async Task WithAServiceToken_TheRulesAreNotMatched_AsKeystonemiddlewareSkipsThem()
    {
        var token = "appcred-chain-" + Guid.NewGuid().ToString("N");
        var service = "nova-" + Guid.NewGuid().ToString("N");
        _fx.Keystone.AddApplicationCredentialToken(token, "owner-user", Identities.OwnerProject, ["member", "reader"], ReadOnlyRules, ["image"]);
        _fx.Keystone.AddToken(service, "nova-user", "service", ["service"]);

        using var request = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{_image}/members/{Identities.MemberProject}", token);
        request.Headers.TryAddWithoutValidation("X-Service-Token", service);
        using var delete = await _fx.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task NoServiceTypeConfigured_RestrictedTokensAreRefused()
    {
        await using var fx = await GatewayFixture.StartAsync(new Dictionary<string, string?> { ["Keystone:ServiceType"] = "" });
        var token = "appcred-untyped-" + Guid.NewGuid().ToString("N");
        fx.Keystone.AddApplicationCredentialToken(token, "owner-user", Identities.OwnerProject, ["member", "reader"], ReadOnlyRules, ["image"]);

        using var list = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token));
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        using var owner = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Owner));
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode); // unrestricted tokens are not affected
    }
}
