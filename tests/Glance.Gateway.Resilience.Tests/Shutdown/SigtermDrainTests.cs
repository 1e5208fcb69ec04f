using System.Diagnostics;
using System.Globalization;
using System.Net;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Glance.Gateway.Resilience.Tests.Shutdown;

/// <summary>
/// SIGTERM to the gateway process, as an orchestrator sends it: <c>/readyz</c> answers 503 at once
/// while the listener stays open for Gateway:DrainDelaySeconds, a slow request already in flight
/// gets the backend's real answer, and the process then exits cleanly.
/// </summary>
public sealed class SigtermDrainTests
{
    [Fact]
    public async Task Sigterm_SlowRequestInFlight_GetsItsAnswer_ReadyzAnswers503_ProcessExits0()
    {
        using var backend = new BackendStub();
        backend.Server.Given(Request.Create().WithPath("/v2/images/slow-image").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("{\"id\": \"slow-image\", \"name\": \"the real answer\"}").WithDelay(TimeSpan.FromSeconds(4)));
        using var keystone = new KeystoneStub();
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        await using var redis = await RedisServer.SharedOrNewAsync();
        var (routesRoot, config) = GatewayHost.CreateRoot("glance-gateway-sigterm-config-");
        await File.WriteAllTextAsync(Path.Combine(config, "reverse-proxy.json"), GatewayHost.RoutesToward(backend.Url));
        try
        {
            await using var gateway = await ProcessGateway.StartAsync(keystone, redis, new Dictionary<string, string?>
            {
                ["ImageStore:Enabled"] = "false",
                ["Gateway:ConfigPath"] = config,
                ["Gateway:ShutdownSeconds"] = "20",
                ["Gateway:DrainDelaySeconds"] = "2",
            });
            using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = gateway.Process.Address, Timeout = TimeSpan.FromSeconds(5) };
            // Ready before the stop, asked again if a first check was not ready or did not answer
            // within the probe's 5 s on a loaded machine (a timeout is an exception, not a status).
            var ready = HttpStatusCode.RequestTimeout;
            for (var i = 0; i < 20 && ready != HttpStatusCode.OK; i++)
            {
                try
                {
                    using var answer = await probe.GetAsync(new Uri("/readyz", UriKind.Relative));
                    ready = answer.StatusCode;
                }
                catch (TaskCanceledException)
                {
                    ready = HttpStatusCode.RequestTimeout;
                }

                if (ready != HttpStatusCode.OK)
                {
                    await Task.Delay(250);
                }
            }

            Assert.Equal(HttpStatusCode.OK, ready);

            var slow = gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images/slow-image", ids.Owner));
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(slow.IsCompleted, "the slow request did not wait for the backend");

            using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", gateway.Process.Pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
            {
                await term!.WaitForExitAsync();
            }

            var draining = await probe.GetAsync(new Uri("/readyz", UriKind.Relative));
            for (var i = 0; i < 20 && draining.StatusCode == HttpStatusCode.OK; i++)
            {
                draining.Dispose();
                await Task.Delay(50);
                draining = await probe.GetAsync(new Uri("/readyz", UriKind.Relative));
            }

            using (draining)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, draining.StatusCode);
                Assert.Contains("\"shutdown\":{\"status\":\"Unhealthy\"", await draining.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            Assert.False(slow.IsCompleted, "the slow request finished before the drain was observed");
            using var response = await slow;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("the real answer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            await gateway.Process.StopAsync();
            Assert.Equal(0, gateway.Process.ExitCode);
            var log = gateway.AppLog();
            Assert.Contains("Stop requested: /readyz answers 503", log, StringComparison.Ordinal);
            Assert.Contains("Closing the listener; waiting for in-flight requests", log, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(routesRoot, recursive: true);
        }
    }
}
