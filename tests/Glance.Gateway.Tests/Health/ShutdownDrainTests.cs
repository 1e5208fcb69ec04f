using System.Net;
using Glance.Gateway.Hosting;
using Glance.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Glance.Gateway.Tests.Health;

/// <summary>
/// The drain: once a stop is asked for, <c>/readyz</c> answers 503 while the listener still
/// accepts (Gateway:DrainDelaySeconds), and a request already in flight gets its real answer.
/// </summary>
[Trait("Host", "Any")]
public sealed class ShutdownDrainTests
{
    [Trait("Host", "InProcess")]
    [Fact]
    public async Task Stop_SlowRequestInFlight_CompletesWithItsAnswerWhileReadyzAnswers503()
    {
        using var backend = new BackendStub();
        backend.Server.Given(Request.Create().WithPath("/v2/images/slow-image").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("{\"id\": \"slow-image\", \"name\": \"the real answer\"}")
                .WithDelay(TimeSpan.FromSeconds(4)));
        await using var fx = await GatewayFixture.StartAsync(
            new Dictionary<string, string?>
            {
                ["ImageStore:Enabled"] = "false",
                ["Gateway:ShutdownSeconds"] = "20",
                ["Gateway:DrainDelaySeconds"] = "2",
            },
            routesJson: GatewayHost.RoutesToward(backend.Url));
        using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { BaseAddress = fx.Gateway.Address };
        using (var ready = await ReadyAsync(probe))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var slow = fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images/slow-image", fx.Ids.Owner));
        await Task.Delay(TimeSpan.FromSeconds(1)); // WireMock logs a request only once it answered it
        Assert.False(slow.IsCompleted, "the slow request did not wait for the backend");

        var stopping = fx.Gateway.App.StopAsync();
        using (var draining = await ReadinessWhileDrainingAsync(probe))
        {
            var drainingBody = await draining.Content.ReadAsStringAsync();
            Assert.True(draining.StatusCode == HttpStatusCode.ServiceUnavailable, drainingBody);
            Assert.Contains("\"shutdown\":{\"status\":\"Unhealthy\",\"description\":\"shutting down: finishing in-flight requests\"}",
                drainingBody, StringComparison.Ordinal);
        }

        Assert.False(slow.IsCompleted, "the slow request finished before the drain was observed");
        using var response = await slow;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("the real answer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await stopping;
        Assert.Contains("Stop requested: /readyz answers 503", fx.Gateway.AppLog(), StringComparison.Ordinal);
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task ShutdownSeconds_IsTheHostsShutdownTimeout()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:ShutdownSeconds"] = "7" });

        Assert.Equal(TimeSpan.FromSeconds(7), gateway.App.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Trait("Host", "InProcess")]
    [Theory]
    [InlineData("0", "0", "Gateway:ShutdownSeconds must be between 1 and 3600 (got 0).")]
    [InlineData("10", "10", "Gateway:DrainDelaySeconds must be at least 0 and less than Gateway:ShutdownSeconds (10) (got 10).")]
    [InlineData("10", "-1", "Gateway:DrainDelaySeconds must be at least 0 and less than Gateway:ShutdownSeconds (10) (got -1).")]
    public async Task ShutdownSettings_Invalid_RefusedAtStartWithOneLine(string shutdown, string delay, string expected)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:ShutdownSeconds"] = shutdown,
            ["Gateway:DrainDelaySeconds"] = delay,
        }));

        Assert.True(StartupFailure.IsConfigurationError(ex), ex.ToString());
        Assert.Equal(expected, StartupFailure.Describe(ex));
    }

    // Ready before the stop; on a loaded machine a first check may time out, so it is asked again.
    private static async Task<HttpResponseMessage> ReadyAsync(HttpClient probe)
    {
        var response = await probe.GetAsync("/readyz");
        for (var i = 0; i < 20 && response.StatusCode != HttpStatusCode.OK; i++)
        {
            response.Dispose();
            await Task.Delay(250);
            response = await probe.GetAsync("/readyz");
        }

        return response;
    }

    // The stop was just asked for: the first answers may still come from before it.
    private static async Task<HttpResponseMessage> ReadinessWhileDrainingAsync(HttpClient probe)
    {
        var response = await probe.GetAsync("/readyz");
        for (var i = 0; i < 20 && response.StatusCode == HttpStatusCode.OK; i++)
        {
            response.Dispose();
            await Task.Delay(50);
            response = await probe.GetAsync("/readyz");
        }

        return response;
    }
}
