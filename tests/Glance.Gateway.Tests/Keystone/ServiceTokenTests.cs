using System.Net;
using Glance.Gateway.Tests.Support;
using GatewayTokenCache = Glance.Gateway.TokenCache.TokenCache;

namespace Glance.Gateway.Tests.Keystone;

/// <summary>
/// X-Service-Token as keystonemiddleware takes it: validated like the user's token (same cache, its
/// own entries); with one of Keystone:ServiceTokenRoles the user's token is validated with
/// allow_expired; an invalid service token, or one without the role while it is required, is 401.
/// </summary>
[Trait("Host", "Any")]
public sealed class ServiceTokenTests : IAsyncLifetime
{
    private GatewayFixture _fx = null!;
    private string _image = null!;
    private string _nova = null!;
    private string _expired = null!;

    public async Task InitializeAsync()
    {
        _fx = await GatewayFixture.StartAsync();
        _image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, _image, Identities.MemberProject);
        _nova = "nova-service-" + Guid.NewGuid().ToString("N");
        _fx.Keystone.AddToken(_nova, "nova-user", "service", ["service", "admin"]);
        _expired = "expired-owner-" + Guid.NewGuid().ToString("N");
        _fx.Keystone.AddExpiredToken(_expired, "owner-user", Identities.OwnerProject, ["member", "reader"], DateTimeOffset.UtcNow.AddMinutes(-10));
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task ExpiredUserToken_WithAServiceTokenHavingTheServiceRole_DeletesTheMember()
    {
        using var delete = await SendAsync(HttpMethod.Delete, $"/v2/images/{_image}/members/{Identities.MemberProject}", _expired, _nova);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(["nocatalog&allow_expired=1"], _fx.Keystone.ValidationQueries(_expired));
        Assert.Equal(["nocatalog"], _fx.Keystone.ValidationQueries(_nova)); // the service token itself: never allow_expired
        var audit = (await AuditEvent.EventuallyAsync(() => _fx.Gateway.AuditEvents().Where(e => e.Number("Status") == 204))).Single();
        Assert.Equal("nova-user", audit.Get("ServiceUserId"));
        Assert.Equal("owner-user", audit.Get("UserId"));
        Assert.DoesNotContain(_nova, audit.Line, StringComparison.Ordinal);
        Assert.DoesNotContain(_expired, audit.Line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredUserToken_Alone_Is401_AndTheAllowExpiredValidationDoesNotLeakIntoThePlainEntry()
    {
        using (var withService = await SendAsync(HttpMethod.Get, "/v2/images", _expired, _nova))
        {
            Assert.Equal(HttpStatusCode.OK, withService.StatusCode);
        }

        using var alone = await SendAsync(HttpMethod.Get, "/v2/images", _expired, serviceToken: null);
        Assert.Equal(HttpStatusCode.Unauthorized, alone.StatusCode);

        // Two cache entries for the expired token, apart: the allow_expired one (kept), the plain one never written (Keystone said 404).
        var prefix = "glance-gateway:token:";
        var keys = await _fx.Redis.KeysAsync(prefix + "*");
        Assert.Contains(prefix + GatewayTokenCache.AllowExpiredInfix + GatewayTokenCache.HashOf(_expired), keys);
        Assert.DoesNotContain(prefix + GatewayTokenCache.HashOf(_expired), keys);
        Assert.Contains(prefix + GatewayTokenCache.HashOf(_nova), keys); // the service token's own entry, same scheme
        Assert.All(keys, key => Assert.DoesNotContain(_nova, key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AllowExpiredEntry_LivesAtMostTheCacheLifetime()
    {
        using (var response = await SendAsync(HttpMethod.Get, "/v2/images", _expired, _nova))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var key = "glance-gateway:token:" + GatewayTokenCache.AllowExpiredInfix + GatewayTokenCache.HashOf(_expired);
        var ttl = int.Parse((await _fx.Redis.CommandAsync("TTL", key)).Trim().TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture); // RESP integer reply ":N"
        Assert.InRange(ttl, 1, 300); // Keystone:TokenCacheSeconds, although the token itself expired 10 minutes ago
    }

    [Fact]
    public async Task ServiceTokenWithoutTheServiceRole_Is401_EvenWithAValidUserToken()
    {
        var plain = "plain-user-as-service-" + Guid.NewGuid().ToString("N");
        _fx.Keystone.AddToken(plain, "someone", Identities.StrangerProject, ["member"]);

        using var list = await SendAsync(HttpMethod.Get, "/v2/images", _fx.Ids.Owner, plain);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        using var delete = await SendAsync(HttpMethod.Delete, $"/v2/images/{_image}/members/{Identities.MemberProject}", _fx.Ids.Owner, plain);
        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        using var member = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{_image}/members/{Identities.MemberProject}", _fx.Ids.Owner));
        Assert.Equal(HttpStatusCode.OK, member.StatusCode); // nothing deleted
    }

    [Fact]
    public async Task InvalidServiceToken_Is401_WhateverTheUserToken()
    {
        using var list = await SendAsync(HttpMethod.Get, "/v2/images", _fx.Ids.Owner, "not-a-token-keystone-knows");
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        using var twice = GlanceApi.Request(HttpMethod.Get, "/v2/images", _fx.Ids.Owner);
        twice.Headers.TryAddWithoutValidation("X-Service-Token", [_nova, _nova]);
        using var duplicated = await _fx.Client.SendAsync(twice);
        Assert.Equal(HttpStatusCode.Unauthorized, duplicated.StatusCode);
    }

    [Fact]
    public async Task RolesNotRequired_ARoleLessServiceTokenPasses_ButDoesNotAllowExpired()
    {
        await using var fx = await GatewayFixture.StartAsync(new Dictionary<string, string?> { ["Keystone:ServiceTokenRolesRequired"] = "false" });
        var plain = "plain-" + Guid.NewGuid().ToString("N");
        fx.Keystone.AddToken(plain, "someone", Identities.StrangerProject, ["member"]);
        var expired = "expired-" + Guid.NewGuid().ToString("N");
        fx.Keystone.AddExpiredToken(expired, "owner-user", Identities.OwnerProject, ["member"], DateTimeOffset.UtcNow.AddMinutes(-1));

        using (var valid = await SendAsync(fx, HttpMethod.Get, "/v2/images", fx.Ids.Owner, plain))
        {
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        }

        using var stale = await SendAsync(fx, HttpMethod.Get, "/v2/images", expired, plain);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(["nocatalog"], fx.Keystone.ValidationQueries(expired));
    }

    [Fact]
    public async Task ServiceTokenRoles_AreConfigurable()
    {
        await using var fx = await GatewayFixture.StartAsync(new Dictionary<string, string?> { ["Keystone:ServiceTokenRoles"] = "image-service, service" });
        var cinder = "cinder-" + Guid.NewGuid().ToString("N");
        fx.Keystone.AddToken(cinder, "cinder-user", "service", ["image-service"]);
        var expired = "expired-" + Guid.NewGuid().ToString("N");
        fx.Keystone.AddExpiredToken(expired, "owner-user", Identities.OwnerProject, ["member"], DateTimeOffset.UtcNow.AddMinutes(-1));

        using var list = await SendAsync(fx, HttpMethod.Get, "/v2/images", expired, cinder);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, string? serviceToken) => SendAsync(_fx, method, path, token, serviceToken);

    private static async Task<HttpResponseMessage> SendAsync(GatewayFixture fx, HttpMethod method, string path, string token, string? serviceToken)
    {
        using var request = GlanceApi.Request(method, path, token);
        if (serviceToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Service-Token", serviceToken);
        }

        return await fx.Client.SendAsync(request);
    }

}

/// <summary>What the backend receives of a service token: keystonemiddleware's X-Service-* headers, or both tokens.</summary>
[Trait("Host", "Any")]
public sealed class ServiceTokenForwardingTests
{
    [Fact]
    public async Task HeadersMode_BackendGetsTheServicesIdentityHeaders_NeitherTokenNorAClientsSpoof()
    {
        using var backend = new BackendStub();
        using var keystone = new KeystoneStub();
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        keystone.AddToken("nova-token-headers", "nova-user", "service", ["service", "admin"]);
        await using var gateway = await GatewayHost.StartAsync(BackendStub.Settings(keystone.Settings()), routesJson: GatewayHost.RoutesToward(backend.Url));

        using var request = GlanceApi.Request(HttpMethod.Get, "/v2/images", ids.Owner);
        request.Headers.TryAddWithoutValidation("X-Service-Token", "nova-token-headers");
        request.Headers.TryAddWithoutValidation("X-Service-Roles", "spoofed-admin");
        request.Headers.TryAddWithoutValidation("X_Service_User_Id", "spoofed-user");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var headers = backend.Requests.Single(e => e.RequestMessage.Path == "/v2/images").RequestMessage.Headers;
        Assert.Equal("Confirmed", KeystoneStub.HeaderValue(headers, "X-Service-Identity-Status"));
        Assert.Equal("nova-user", KeystoneStub.HeaderValue(headers, "X-Service-User-Id"));
        Assert.Equal("service", KeystoneStub.HeaderValue(headers, "X-Service-Project-Id"));
        Assert.Equal("service,admin", KeystoneStub.HeaderValue(headers, "X-Service-Roles"));
        Assert.Equal("owner-user", KeystoneStub.HeaderValue(headers, "X-User-Id"));
        Assert.Null(KeystoneStub.HeaderValue(headers, "X-Service-Token"));
        Assert.Null(KeystoneStub.HeaderValue(headers, "X-Auth-Token"));
        Assert.Null(KeystoneStub.HeaderValue(headers, "X_Service_User_Id"));
    }

    [Fact]
    public async Task WithoutAServiceToken_BackendGetsNoServiceHeaders_EvenSpoofedOnes()
    {
        using var backend = new BackendStub();
        using var keystone = new KeystoneStub();
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        await using var gateway = await GatewayHost.StartAsync(BackendStub.Settings(keystone.Settings()), routesJson: GatewayHost.RoutesToward(backend.Url));

        using var request = GlanceApi.Request(HttpMethod.Get, "/v2/images", ids.Owner);
        request.Headers.TryAddWithoutValidation("X-Service-Identity-Status", "Confirmed");
        request.Headers.TryAddWithoutValidation("X-Service-Roles", "service");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var headers = backend.Requests.Single(e => e.RequestMessage.Path == "/v2/images").RequestMessage.Headers!;
        Assert.DoesNotContain(headers.Keys, k => k.StartsWith("X-Service-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TokenMode_BackendGetsBothTokens()
    {
        using var backend = new BackendStub();
        using var keystone = new KeystoneStub();
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        keystone.AddToken("nova-token-token-mode", "nova-user", "service", ["service"]);
        var settings = BackendStub.Settings(keystone.Settings());
        settings["Backend:Identity"] = "Token";
        await using var gateway = await GatewayHost.StartAsync(settings, routesJson: GatewayHost.RoutesToward(backend.Url));

        using var request = GlanceApi.Request(HttpMethod.Get, "/v2/images", ids.Owner);
        request.Headers.TryAddWithoutValidation("X-Service-Token", "nova-token-token-mode");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var headers = backend.Requests.Single(e => e.RequestMessage.Path == "/v2/images").RequestMessage.Headers;
        Assert.Equal(ids.Owner, KeystoneStub.HeaderValue(headers, "X-Auth-Token"));
        Assert.Equal("nova-token-token-mode", KeystoneStub.HeaderValue(headers, "X-Service-Token"));
        Assert.Null(KeystoneStub.HeaderValue(headers, "X-Service-Roles")); // the backend's keystonemiddleware sets those
    }
}
