using System.Net;
using Glance.Gateway.Routing;
using Glance.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Glance.Gateway.Tests.Routing;

/// <summary>
/// <c>config/reverse-proxy.json</c> edited while the gateway runs: a good edit changes routing
/// without a restart; a broken edit (invalid JSON, or JSON YARP refuses) is refused and the last
/// good routes keep serving.
/// </summary>
[Trait("Host", "Any")]
public sealed class RouteReloadTests : IAsyncLifetime, IDisposable
{
    private readonly BackendStub _first = new();
    private readonly BackendStub _second = new();
    private GatewayFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await GatewayFixture.StartAsync(
        new Dictionary<string, string?> { ["ImageStore:Enabled"] = "false" }, routesJson: GatewayHost.RoutesToward(_first.Url));

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public async Task RoutesFileEdited_NewDestination_IsUsedWithoutRestart()
    {
        await ListAsync();
        Assert.Single(_first.Requests);

        await File.WriteAllTextAsync(_fx.Gateway.RoutesFile, GatewayHost.RoutesToward(_second.Url));

        Assert.True(await EventuallyAsync(async () =>
        {
            await ListAsync();
            return _second.Requests.Count > 0;
        }), "the edited routes were not applied");
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task RoutesFileBroken_IsRefused_AndTheLastGoodRoutesKeepServing()
    {
        var routes = _fx.Gateway.App.Services.GetRequiredService<RouteFileConfiguration>();
        var refused = new TaskCompletionSource<RouteFileRefusedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        routes.Refused += (_, e) => refused.TrySetResult(e);

        await File.WriteAllTextAsync(_fx.Gateway.RoutesFile, "{ \"ReverseProxy\": { \"Routes\": { oops");

        var reason = await refused.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("invalid", reason.Reason.Message, StringComparison.Ordinal);
        Assert.True(await EventuallyAsync(() => Task.FromResult(_fx.Gateway.AppLog().Contains("refused, the last good routes keep serving", StringComparison.Ordinal))));
        var before = _first.Requests.Count;
        Assert.Equal(HttpStatusCode.OK, await ListAsync());
        Assert.Equal(before + 1, _first.Requests.Count);
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task RoutesFileInvalidForYarp_IsRefused_AndTheLastGoodRoutesKeepServing()
    {
        var routes = _fx.Gateway.App.Services.GetRequiredService<RouteFileConfiguration>();
        var refused = new TaskCompletionSource<RouteFileRefusedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        routes.Refused += (_, e) => refused.TrySetResult(e);
        var invalid = GatewayHost.RoutesToward(_second.Url)
            .Replace("/v2/{**rest}", "/v2/{**rest", StringComparison.Ordinal)
            .Replace("\"ClusterId\": \"image-store\",\n        \"Order\": 10", "\"ClusterId\": \"no-such-cluster\",\n        \"Order\": 10", StringComparison.Ordinal);

        await File.WriteAllTextAsync(_fx.Gateway.RoutesFile, invalid);

        var reason = (await refused.Task.WaitAsync(TimeSpan.FromSeconds(30))).Reason.Message;
        Assert.Contains("Invalid path '/v2/{**rest' for route 'glance-v2'", reason, StringComparison.Ordinal);
        Assert.Contains("no-such-cluster", reason, StringComparison.Ordinal);
        Assert.True(await EventuallyAsync(() => Task.FromResult(_fx.Gateway.AppLog().Contains("the proxy config is invalid", StringComparison.Ordinal))));
        Assert.DoesNotContain("Failed to apply the new config", _fx.Gateway.AppLog(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ListAsync());
        Assert.Empty(_second.Requests);
    }

    private async Task<HttpStatusCode> ListAsync()
    {
        using var response = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", _fx.Ids.Owner));
        return response.StatusCode;
    }

    // File watching is asynchronous by nature: poll for the outcome, bounded.
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
