using System.Net;
using System.Text.Json.Nodes;
using Glance.Gateway.Routing;
using Glance.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Glance.Gateway.Tests.Routing;

/// <summary>
/// Route edits fail closed for the image API: a path transform on a route matching
/// <c>/v2/images/…</c>, or member DELETEs sent to a cluster with no destination, is refused with
/// one line naming the route (at start-up: the gateway does not start), the last good routes keep
/// serving, and member DELETEs are still decided and audited; a route without the policy metadata
/// still gets every member DELETE decided.
/// </summary>
[Trait("Host", "Any")]
public sealed class RouteFailClosedTests : IAsyncLifetime
{
    private GatewayFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await GatewayFixture.StartAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task Edit_PathTransformOnImageRoute_IsRefusedNamingTheRoute_AndDeletesStayDecided()
    {
        var routes = Routes();
        routes["ReverseProxy"]!["Routes"]!["glance-v2"]!["Transforms"]!.AsArray().Add(new JsonObject { ["PathPrefix"] = "/elsewhere" });

        var reason = await EditRefusedAsync(routes);

        Assert.Contains("Route 'glance-v2' matches /v2/images", reason, StringComparison.Ordinal);
        Assert.Contains("PathPrefix", reason, StringComparison.Ordinal);
        await AssertMemberDeleteDecidedAsync();
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task Edit_MemberDeletesToClusterWithoutDestination_IsRefused_AndDeletesStayDecided()
    {
        var routes = Routes();
        routes["ReverseProxy"]!["Clusters"]!["nowhere"] = new JsonObject { ["Destinations"] = new JsonObject() };
        routes["ReverseProxy"]!["Routes"]!["member-delete"]!["ClusterId"] = "nowhere";

        var reason = await EditRefusedAsync(routes);

        Assert.Contains("Route 'member-delete' carries member DELETEs to cluster 'nowhere'", reason, StringComparison.Ordinal);
        await AssertMemberDeleteDecidedAsync();
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task Edit_PolicyMetadataRemoved_MemberDeletesAreStillDecidedAndAudited()
    {
        var routes = Routes();
        routes["ReverseProxy"]!["Routes"]!.AsObject().Remove("member-delete");
        var config = _fx.Gateway.App.Services.GetRequiredService<RouteFileConfiguration>();
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        config.Applied += (_, _) => applied.TrySetResult();

        await File.WriteAllTextAsync(_fx.Gateway.RoutesFile, routes.ToJsonString());
        await applied.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(500); // YARP swaps its route table in the background after the change is signalled

        await AssertMemberDeleteDecidedAsync();
    }

    [Fact]
    public async Task Start_PathTransformOnImageRoute_StopsWithOneLineNamingTheRoute()
    {
        var routes = Routes();
        routes["ReverseProxy"]!["Routes"]!["member-delete"]!["Transforms"]!.AsArray().Add(new JsonObject { ["PathSet"] = "/v2/images" });

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatewayFixture.StartAsync(routesJson: routes.ToJsonString()));

        Assert.Contains("Route 'member-delete' matches /v2/images", Glance.Gateway.Hosting.StartupFailure.Describe(failure), StringComparison.Ordinal);
    }

    private static JsonNode Routes() => JsonNode.Parse(GatewayHost.DefaultRoutesJson())!;

    private async Task<string> EditRefusedAsync(JsonNode routes)
    {
        var config = _fx.Gateway.App.Services.GetRequiredService<RouteFileConfiguration>();
        var refused = new TaskCompletionSource<RouteFileRefusedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        config.Refused += (_, e) => refused.TrySetResult(e);

        await File.WriteAllTextAsync(_fx.Gateway.RoutesFile, routes.ToJsonString());

        return (await refused.Task.WaitAsync(TimeSpan.FromSeconds(30))).Reason.Message;
    }

    // A member deleting its own membership is refused at the edge (legacy rule 7), audited once,
    // and the membership is still there.
    private async Task AssertMemberDeleteDecidedAsync()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, image, Identities.MemberProject);

        using var response = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Member, image, Identities.MemberProject);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, image, Identities.MemberProject));
        var requestId = response.Headers.GetValues(Glance.Policy.RequestIds.RequestId.HeaderName).Single();
        var audit = Assert.Single(_fx.Gateway.AuditEvents(), e => e.Get("RequestId") == requestId);
        Assert.Equal("deny", audit.Get("Decision"));
        Assert.Equal(7, audit.Number("Rule"));
    }
}
