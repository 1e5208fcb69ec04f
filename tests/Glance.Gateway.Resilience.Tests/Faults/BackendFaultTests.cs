using System.Net;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Errors;
using Glance.Policy.RequestIds;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Glance.Gateway.Resilience.Tests.Faults;

/// <summary>
/// The backend (a WireMock Glance; the store not hosted) stopped and back, or stalling: the
/// gateway answers in Glance's format with a request id, does not hang, recovers by itself.
/// </summary>
public sealed class BackendFaultTests : IDisposable
{
    private readonly BackendStub _backend = new();

    public void Dispose() => _backend.Dispose();

    [Fact]
    public async Task BackendStoppedThenBack_502And503InGlanceFormat_ThenServesWithoutRestart()
    {
        await using var fx = await StartAsync();
        await ExpectAsync(fx, HttpMethod.Get, "/v2/images", fx.Ids.Owner, HttpStatusCode.OK);

        var (port, mappings) = WireMockRestart.Stop(_backend.Server);

        using (var read = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Owner, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadGateway, read.StatusCode);
            Assert.Equal(GlanceErrorBody.Render(502, RoutingExplanation(502), GlanceErrorFormat.Json).Body, await read.Content.ReadAsStringAsync());
            Assert.StartsWith("req-", read.Headers.GetValues(RequestId.HeaderName).Single(), StringComparison.Ordinal);
        }

        using (var delete = await GlanceApi.DeleteMemberAsync(fx.Client, fx.Ids.Owner, BackendStub.ImageId, "project-b", "application/json"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, delete.StatusCode);
            Assert.Contains("\"code\": \"503 Service Unavailable\"", await delete.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.StartsWith("req-", delete.Headers.GetValues(RequestId.HeaderName).Single(), StringComparison.Ordinal);
        }

        using var back = await WireMockRestart.StartAsync(port, mappings);

        await ExpectAsync(fx, HttpMethod.Get, "/v2/images", fx.Ids.Owner, HttpStatusCode.OK);
        await ExpectAsync(fx, HttpMethod.Delete, $"/v2/images/{BackendStub.ImageId}/members/project-b", fx.Ids.Owner, HttpStatusCode.NoContent);
        Assert.Single(back.LogEntries, e => e.RequestMessage.Method == "DELETE");
        Assert.Equal(["error", "allow"], fx.Gateway.AuditEvents("delete_member", "member_path").Select(e => e.Get("Decision")));
    }

    [Fact]
    public async Task BackendStalling_BeyondTheRoutesActivityTimeout_Returns504InGlanceFormat()
    {
        // A request the edge forwards without reading anything first (the image schema is not
        // policy-checked): the stall is the forwarded request's, not a facts read's.
        _backend.Server.Given(Request.Create().WithPath("/v2/schemas/image").UsingGet()).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(6)).WithBody("{}"));
        await using var fx = await StartAsync(activityTimeout: "00:00:01");

        using var response = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/schemas/image", fx.Ids.Owner, "application/json"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(GlanceErrorBody.Render(504, RoutingExplanation(504), GlanceErrorFormat.Json).Body, await response.Content.ReadAsStringAsync());
        Assert.StartsWith("req-", response.Headers.GetValues(RequestId.HeaderName).Single(), StringComparison.Ordinal);
        await ExpectAsync(fx, HttpMethod.Get, "/v2/images", fx.Ids.Owner, HttpStatusCode.OK);
    }

    [Fact]
    public async Task BackendStallingOnAMetadataRead_MemberDelete_Returns503AndNothingIsForwarded()
    {
        _backend.Server.Given(Request.Create().WithPath($"/v2/images/{BackendStub.ImageId}").UsingGet()).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(6)).WithBody("{}"));
        await using var fx = await StartAsync(extra: new Dictionary<string, string?> { ["Backend:MetadataTimeoutSeconds"] = "1" });

        using var response = await GlanceApi.DeleteMemberAsync(fx.Client, fx.Ids.Owner, BackendStub.ImageId, "project-b", "application/json");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("\"code\": \"503 Service Unavailable\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_backend.Deletes);
        Assert.Equal("error", Assert.Single(fx.Gateway.AuditEvents("delete_member", "member_path")).Get("Decision"));
    }

    private static string RoutingExplanation(int status) => Glance.Gateway.Routing.RoutingExtensions.Explanation(status);

    private Task<GatewayFixture> StartAsync(string? activityTimeout = null, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["ImageStore:Enabled"] = "false" };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var routes = GatewayHost.RoutesToward(_backend.Url);
        if (activityTimeout is not null)
        {
            Assert.Contains("\"ActivityTimeout\": \"00:01:40\"", routes, StringComparison.Ordinal);
            routes = routes.Replace("\"ActivityTimeout\": \"00:01:40\"", $"\"ActivityTimeout\": \"{activityTimeout}\"", StringComparison.Ordinal);
        }

        return GatewayFixture.StartAsync(settings, routesJson: routes);
    }

    private static async Task ExpectAsync(GatewayFixture fx, HttpMethod method, string path, string token, HttpStatusCode status)
    {
        using var response = await fx.Client.SendAsync(GlanceApi.Request(method, path, token));
        Assert.True(response.StatusCode == status, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
