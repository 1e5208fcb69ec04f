using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.Policy.RequestIds;
using Glance.Testing;

namespace Glance.Gateway.Resilience.Tests.Load;

/// <summary>
/// The access log to the console as well as the file (a second sink in the queue's
/// <c>configure</c> list of <c>Serilog:Access</c>), as a container platform collects it: one JSON
/// line per request on the process's stdout.
/// </summary>
public sealed class AccessLogConsoleTests
{
    [Fact]
    public async Task ConsoleSinkConfigured_EachRequestIsOneJsonLineOnStdout_AndInTheFile()
    {
        await using var redis = await RedisServer.SharedOrNewAsync();
        using var keystone = new KeystoneStub();
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        var settings = GatewayHost.QueuedSink("Serilog:Access", "access.json");
        settings["Serilog:Access:WriteTo:0:Args:configure:1:Name"] = "Console";
        settings["Serilog:Access:WriteTo:0:Args:configure:1:Args:formatter"] = GatewayHost.AuditFormatter;
        await using var gateway = await ProcessGateway.StartAsync(keystone, redis, settings);

        using var response = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", ids.Owner));
        var id = response.Headers.GetValues(RequestId.HeaderName).Single();
        await gateway.Process.StopAsync();

        var line = Assert.Single(gateway.Process.Output.Split('\n'), l => l.Contains(id, StringComparison.Ordinal));
        var json = System.Text.Json.JsonDocument.Parse(line).RootElement;
        Assert.Equal(9100, json.GetProperty("EventId").GetProperty("Id").GetInt32());
        Assert.Equal("/v2/images", json.GetProperty("Path").GetString());
        Assert.Single(AuditEvent.ReadAll(Path.Combine(gateway.Root, "access.json")), e => e.Get("RequestId") == id);
        Assert.DoesNotContain(ids.Owner, gateway.Process.Output, StringComparison.Ordinal);
    }
}
