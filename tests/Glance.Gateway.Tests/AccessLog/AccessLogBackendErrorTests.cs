using System.Net;
using Glance.Gateway.Tests.Support;
using Glance.Policy.RequestIds;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Glance.Gateway.Tests.AccessLog;

/// <summary>A backend's 500 is in the access log once, at level Error, with the route it took; the token is not.</summary>
[Trait("Host", "Any")]
public sealed class AccessLogBackendErrorTests : IAsyncLifetime, IDisposable
{
    private readonly BackendStub _backend = new();
    private GatewayFixture _fx = null!;

    public async Task InitializeAsync() =>
        _fx = await GatewayFixture.StartAsync(new Dictionary<string, string?> { ["ImageStore:Enabled"] = "false" }, routesJson: GatewayHost.RoutesToward(_backend.Url));

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    public void Dispose() => _backend.Dispose();

    [Fact]
    public async Task BackendAnswers500_OneErrorEventWithTheRoute_NoToken()
    {
        _backend.Server.Given(Request.Create().WithPath($"/v2/images/{BackendStub.ImageId}/file").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("boom"));

        using var response = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{BackendStub.ImageId}/file", _fx.Ids.Owner));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var id = response.Headers.GetValues(RequestId.HeaderName).Single();
        var e = Assert.Single(_fx.Gateway.AccessEvents(), e => e.Get("RequestId") == id);
        Assert.Equal((500, "Error", "glance-v2", "project-a"), (e.Number("Status"), e.Get("@l"), e.Get("Route"), e.Get("ProjectId")));
        Assert.DoesNotContain(_fx.Ids.Owner, GatewayHost.SharedRead(_fx.Gateway.AccessPath), StringComparison.Ordinal);
    }
}
