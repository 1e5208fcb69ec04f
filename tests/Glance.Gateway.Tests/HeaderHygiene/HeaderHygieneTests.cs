using System.Net;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Identity;
using Glance.Policy.RequestIds;
using WireMock.Logging;

namespace Glance.Gateway.Tests.HeaderHygiene;

/// <summary>
/// What reaches the backend, recorded by a WireMock backend: no client-supplied identity in any
/// spelling, the trusted headers (Headers mode) or the caller's token (Token mode), no DELETE for a
/// denial, exactly one for an allowed request.
/// </summary>
[Trait("Host", "Any")]
public sealed class HeaderHygieneTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Spoofed =
    [
        "X-Identity-Status", "X-User-Id", "X-User-Name", "X-User-Domain-Id", "X-User-Domain-Name", "X-Project-Id",
        "X-Project-Name", "X-Project-Domain-Id", "X-Project-Domain-Name", "X-Domain-Id", "X-Domain-Name", "X-Roles",
        "X-Is-Admin-Project", "X-Service-Catalog", "X-Service-Roles", "X-Service-User-Id", "X-Role", "X-User", "X-Tenant-Id",
        "X-Tenant-Name", "X-Tenant", "OpenStack-System-Scope",
        "x-roles", "X-ROLES", "X_Roles", "x_project_id", "X_IDENTITY_STATUS", "openstack_system_scope", "X-service_catalog",
    ];

    private GatewayFixture? _fx;
    private readonly BackendStub _backend = new();

    private GatewayFixture Fx => _fx!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_fx is not null)
        {
            await _fx.DisposeAsync();
        }
    }

    public void Dispose() => _backend.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SpoofedIdentityHeaders_EverySpelling_NeverReachTheBackend(bool withValidToken)
    {
        await StartAsync();
        using var request = GlanceApi.Request(HttpMethod.Get, "/v2/images", withValidToken ? Fx.Ids.Member : null);
        foreach (var name in Spoofed)
        {
            request.Headers.TryAddWithoutValidation(name, name.Contains("Status", StringComparison.OrdinalIgnoreCase) ? "Confirmed" : name.Contains("scope", StringComparison.OrdinalIgnoreCase) ? "all" : "admin");
        }

        using var response = await Fx.Client.SendAsync(request);

        if (!withValidToken)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Empty(_backend.Requests);
            return;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_backend.Requests);
        var identity = IdentityHeadersOf(forwarded);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["x-identity-status"] = "Confirmed",
                ["x-user-id"] = "member-user",
                ["x-user-name"] = "member",
                ["x-project-id"] = Identities.MemberProject,
                ["x-project-name"] = Identities.MemberProject,
                ["x-roles"] = "member",
            },
            identity);
        Assert.Null(KeystoneStub.HeaderValue(forwarded.RequestMessage.Headers, "X-Auth-Token"));
    }

    [Fact]
    public async Task SpoofedAdminHeaders_OnMemberDelete_DoNotChangeTheDecision()
    {
        await StartAsync();
        using var request = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{BackendStub.ImageId}/members/project-b", Fx.Ids.Member);
        request.Headers.TryAddWithoutValidation("X-Roles", "admin");
        request.Headers.TryAddWithoutValidation("X_Project_Id", "project-a");
        request.Headers.TryAddWithoutValidation("X-Identity-Status", "Confirmed");

        using var response = await Fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_backend.Deletes);
    }

    [Fact]
    public async Task Denials_NeverReachTheBackend_AllowedDeleteIsForwardedOnce()
    {
        await StartAsync();

        using (var member = await GlanceApi.DeleteMemberAsync(Fx.Client, Fx.Ids.Member, BackendStub.ImageId, "project-b"))
        using (var stranger = await GlanceApi.DeleteMemberAsync(Fx.Client, Fx.Ids.Stranger, BackendStub.ImageId, "project-b"))
        using (var bogus = await GlanceApi.DeleteMemberAsync(Fx.Client, Fx.Ids.Owner, BackendStub.ImageId, "bogus"))
        using (var missing = await GlanceApi.DeleteMemberAsync(Fx.Client, Fx.Ids.Admin, Guid.NewGuid().ToString(), "project-b"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, member.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, bogus.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        Assert.Empty(_backend.Deletes);

        using var request = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{BackendStub.ImageId}/members/project-b", Fx.Ids.Owner);
        request.Headers.Add(RequestId.HeaderName, "req-allowed-1");
        using var allowed = await Fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        var delete = Assert.Single(_backend.Deletes);
        Assert.Equal("req-allowed-1", KeystoneStub.HeaderValue(delete.RequestMessage.Headers, RequestId.HeaderName));
        Assert.Equal(Identities.OwnerProject, KeystoneStub.HeaderValue(delete.RequestMessage.Headers, IdentityHeaders.ProjectId));
    }

    [Fact]
    public async Task MetadataReads_HeadersMode_UseTheServiceIdentity()
    {
        await StartAsync();

        using var response = await GlanceApi.DeleteMemberAsync(Fx.Client, Fx.Ids.Member, BackendStub.ImageId, "project-b");

        var reads = _backend.Requests.Where(e => e.RequestMessage.Method == "GET").ToList();
        Assert.Equal(2, reads.Count);
        Assert.All(reads, read =>
        {
            Assert.Equal("admin", KeystoneStub.HeaderValue(read.RequestMessage.Headers, IdentityHeaders.Roles));
            Assert.Equal("glance-gateway", KeystoneStub.HeaderValue(read.RequestMessage.Headers, IdentityHeaders.UserId));
            Assert.Equal(response.Headers.GetValues(RequestId.HeaderName).Single(), KeystoneStub.HeaderValue(read.RequestMessage.Headers, RequestId.HeaderName));
        });
    }

    [Fact]
    public async Task TokenMode_PassesTheCallersToken_AndReadsWithTheServiceToken()
    {
        await StartAsync(new Dictionary<string, string?> { ["Backend:Identity"] = "Token" });

        using var response = await GlanceApi.DeleteMemberAsync(Fx.Client, Fx.Ids.Owner, BackendStub.ImageId, "project-b");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var delete = Assert.Single(_backend.Deletes);
        Assert.Equal(Fx.Ids.Owner, KeystoneStub.HeaderValue(delete.RequestMessage.Headers, "X-Auth-Token"));
        Assert.Empty(IdentityHeadersOf(delete));
        Assert.All(_backend.Requests.Where(e => e.RequestMessage.Method == "GET"),
            read => Assert.Equal(KeystoneStub.ServiceToken, KeystoneStub.HeaderValue(read.RequestMessage.Headers, "X-Auth-Token")));
    }

    [Fact]
    public async Task MethodOverrideHeaders_AreRemoved()
    {
        await StartAsync();
        using var request = GlanceApi.Request(HttpMethod.Get, "/v2/images", Fx.Ids.Owner);
        request.Headers.TryAddWithoutValidation("X-HTTP-Method-Override", "DELETE");
        request.Headers.TryAddWithoutValidation("X_HTTP_Method", "DELETE");

        using var response = await Fx.Client.SendAsync(request);

        var forwarded = Assert.Single(_backend.Requests);
        Assert.Equal("GET", forwarded.RequestMessage.Method);
        Assert.DoesNotContain(forwarded.RequestMessage.Headers!.Keys, k => k.Replace('_', '-').Contains("method", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task BackendDown_ForwardedRequest_Returns502InGlanceFormat()
    {
        await StartAsync();
        _backend.Server.Stop();

        using var response = await Fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", Fx.Ids.Owner, "application/json"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("{\"message\": \"Bad gateway.<br /><br />\\n\\n\\n\", \"code\": \"502 Bad Gateway\", \"title\": \"Bad Gateway\"}", await response.Content.ReadAsStringAsync());
        Assert.StartsWith("req-", response.Headers.GetValues(RequestId.HeaderName).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackendDown_MemberDelete_Returns503AndAuditsAnError()
    {
        await StartAsync();
        _backend.Server.Stop();

        using var response = await GlanceApi.DeleteMemberAsync(Fx.Client, Fx.Ids.Owner, BackendStub.ImageId, "project-b");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var audit = Assert.Single(Fx.Gateway.AuditEvents());
        Assert.Equal("error", audit.Get("Decision"));
    }

    private async Task StartAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["ImageStore:Enabled"] = "false" };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        _fx = await GatewayFixture.StartAsync(settings, routesJson: GatewayHost.RoutesToward(_backend.Url));
    }

    // Every identity header the backend received, normalised to lower case with dashes.
    private static Dictionary<string, string> IdentityHeadersOf(ILogEntry entry) =>
        (entry.RequestMessage.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
            .Where(h => IdentityHeaders.IsIdentityHeader(h.Key))
            .ToDictionary(h => h.Key.Replace('_', '-').ToLowerInvariant(), h => string.Join("|", h.Value));
}
