using System.Net;
using Glance.Gateway.Tests.Support;
using Glance.Policy.RequestIds;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Glance.Gateway.Tests.AccessLog;

/// <summary>
/// The access log: one event per request, whoever answers it (the front door, health, a denial
/// at the edge, the backend), with its fields, in its own file, never a token.
/// </summary>
[Trait("Host", "Any")]
public sealed class AccessLogTests : IAsyncLifetime
{
    private const string UserAgent = "python-glanceclient/4.7.0";

    private static readonly string[] Fields =
    [
        "Method", "Path", "Route", "Status", "ElapsedMs", "RequestId", "ProjectId", "ClientAddress", "UserAgent",
    ];

    private GatewayFixture _fx = null!;

    public async Task InitializeAsync()
    {
        _fx = await GatewayFixture.StartAsync();
        _fx.Client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task EachRequest_WritesOneEventWithEveryField()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        var before = _fx.Gateway.AccessEvents().Count;

        using var health = await _fx.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var list = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images?limit=1&marker=" + image, _fx.Ids.Owner));
        using var denied = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Stranger, image, "project-b");
        using var unauthenticated = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "no-such-token"));
        using var options = await _fx.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/v2/images"));

        var events = _fx.Gateway.AccessEvents().Skip(before).ToList();
        Assert.Equal(
            (HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized, HttpStatusCode.OK),
            (health.StatusCode, list.StatusCode, denied.StatusCode, unauthenticated.StatusCode, options.StatusCode));
        Assert.Equal(5, events.Count);
        Assert.All(events, e => Assert.All(Fields, field => Assert.True(e.Has(field), $"missing {field}: {e.Line}")));
        Assert.All(events, e => Assert.Equal(9100, e.EventId));
        Assert.All(events, e => Assert.Equal("127.0.0.1", e.Get("ClientAddress")));
        Assert.All(events, e => Assert.Equal(UserAgent, e.Get("UserAgent")));
        Assert.All(events, e => Assert.False(e.Has("@mt"), e.Line));

        AuditEvent Of(HttpResponseMessage response) =>
            Assert.Single(events, e => e.Get("RequestId") == response.Headers.GetValues(RequestId.HeaderName).Single());

        var h = Of(health);
        Assert.Equal(("GET", "/healthz", 200), (h.Get("Method"), h.Get("Path"), h.Number("Status")));
        Assert.NotNull(h.Get("Route"));

        var l = Of(list);
        Assert.Equal(("GET", "/v2/images", "glance-v2", 200, "project-a"), (l.Get("Method"), l.Get("Path"), l.Get("Route"), l.Number("Status"), l.Get("ProjectId")));
        Assert.True(l.Json.GetProperty("ElapsedMs").GetDouble() > 0);

        var d = Of(denied);
        Assert.Equal(("DELETE", $"/v2/images/{image}/members/project-b", "member-delete", 404, "project-c"), (d.Get("Method"), d.Get("Path"), d.Get("Route"), d.Number("Status"), d.Get("ProjectId")));

        var u = Of(unauthenticated);
        Assert.Equal((401, null), (u.Number("Status"), u.Get("ProjectId")));

        var o = Assert.Single(events, e => e.Get("Method") == "OPTIONS"); // answered at the front door, before the request id
        Assert.Equal(("/v2/images", 200), (o.Get("Path"), o.Number("Status")));
    }

    [Fact]
    public async Task NoToken_IsInTheAccessLog_EvenWhenTheRequestFails()
    {
        var secrets = new[] { "auth-" + Guid.NewGuid(), "service-" + Guid.NewGuid(), "subject-" + Guid.NewGuid(), "garbage-" + Guid.NewGuid(), "query-" + Guid.NewGuid() };
        _fx.Keystone.Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet().WithHeader("X-Subject-Token", secrets[3]))
            .AtPriority(1).RespondWith(Response.Create().WithStatusCode(500).WithBody("{}"));

        using var unknown = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{Guid.NewGuid()}/members/project-b", secrets[0]);
        unknown.Headers.TryAddWithoutValidation("X-Service-Token", secrets[1]);
        unknown.Headers.TryAddWithoutValidation("X-Subject-Token", secrets[2]);
        using var unauthorized = await _fx.Client.SendAsync(unknown);
        using var keystoneFailing = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", secrets[3]));
        using var inQuery = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images?X-Auth-Token=" + secrets[4], _fx.Ids.Owner));
        using var denied = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Member, Guid.NewGuid().ToString(), "project-b");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, keystoneFailing.StatusCode);
        var access = GatewayHost.SharedRead(_fx.Gateway.AccessPath);
        Assert.Equal(4, _fx.Gateway.AccessEvents().Count);
        Assert.Contains(_fx.Gateway.AccessEvents(), e => e.Number("Status") == 503 && e.Get("@l") == "Error");
        var logs = access + GatewayHost.SharedRead(_fx.Gateway.AuditPath) + _fx.Gateway.AppLog();
        foreach (var secret in secrets.Concat([_fx.Ids.Owner, _fx.Ids.Member, KeystoneStub.ServiceToken]))
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AccessEvents_GoToTheirOwnSink_NotTheApplicationLogNorTheAudit()
    {
        using var health = await _fx.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        (await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Stranger, Guid.NewGuid().ToString(), "project-b")).Dispose();

        Assert.Equal(2, _fx.Gateway.AccessEvents().Count);
        Assert.All(_fx.Gateway.AuditEvents(), e => Assert.Equal(9001, e.EventId));
        Assert.DoesNotContain("/healthz", _fx.Gateway.AppLog(), StringComparison.Ordinal);
        Assert.DoesNotContain("responded", _fx.Gateway.AppLog(), StringComparison.Ordinal);
    }
}
