using System.Collections.Concurrent;
using System.Net;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.Policy.RequestIds;
using Glance.Testing;
using Xunit.Abstractions;

namespace Glance.Gateway.Resilience.Tests.Load;

/// <summary>
/// The audit trail loses nothing it accepted: the gateway process, with the shipped queue in front
/// of files that roll on size, is stopped (SIGTERM) while member DELETE decisions flow from many
/// clients; every request that got an answer has exactly one audit event in the files, and one
/// access event. The queue is kept small so that it fills, and requests wait for room, under load;
/// the audit file sink buffers, so that what the stop does not drain and close is lost (without
/// the host disposing the audit pipeline this test fails: the file is missing its last events).
/// </summary>
public sealed class AuditShutdownTests(ITestOutputHelper output)
{
    private const int Clients = 32;
    private const int Members = 150;

    [Fact]
    public async Task GatewayStoppedMidLoad_EveryAnsweredDecisionHasExactlyOneAuditEvent()
    {
        await using var redis = await RedisServer.SharedOrNewAsync();
        using var keystone = new KeystoneStub();
        keystone.Server.SetMaxRequestLogCount(100);
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        var settings = GatewayHost.QueuedSink("Serilog:Audit", "audit.json", bufferSize: 64, fileSizeLimitBytes: 64 * 1024, buffered: true);
        foreach (var (key, value) in GatewayHost.QueuedSink("Serilog:Access", "access.json", bufferSize: 64, fileSizeLimitBytes: 64 * 1024))
        {
            settings[key] = value;
        }

        await using var gateway = await ProcessGateway.StartAsync(keystone, redis, settings);
        var client = gateway.Client;
        var image = await GlanceApi.CreateImageAsync(client, ids.Owner, "shared");
        for (var i = 0; i < Members; i++)
        {
            await GlanceApi.AddMemberAsync(client, ids.Owner, image, $"m-{i}");
        }

        var answered = new ConcurrentBag<(string RequestId, int Status)>();
        var next = -1;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Clients).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var (token, member) = (i % 3) switch
                {
                    0 => (ids.Owner, $"m-{Interlocked.Increment(ref next)}"), // allowed while members last, then row 8
                    1 => (ids.Member, "project-b"),                            // row 7
                    _ => (ids.Stranger, "project-b"),                          // row 5
                };
                try
                {
                    using var response = await GlanceApi.DeleteMemberAsync(client, token, image, member);
                    answered.Add((response.Headers.GetValues(RequestId.HeaderName).Single(), (int)response.StatusCode));
                }
                catch (HttpRequestException)
                {
                    return; // the gateway stopped listening
                }
            }
        })).ToList();

        while (answered.Count < 600)
        {
            await Task.Delay(20);
        }

        var sent = answered.Count;
        await gateway.Process.StopAsync();   // SIGTERM while the clients keep sending
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var audit = Directory.GetFiles(gateway.Root, "audit*.json").SelectMany(AuditEvent.ReadAll).ToList();
        var access = Directory.GetFiles(gateway.Root, "access*.json").SelectMany(AuditEvent.ReadAll).ToList();
        var auditById = audit.GroupBy(e => e.Get("RequestId")!).ToDictionary(g => g.Key, g => g.Count());
        var accessById = access.Where(e => e.Get("Method") == "DELETE").GroupBy(e => e.Get("RequestId")!).ToDictionary(g => g.Key, g => g.Count());
        var statuses = answered.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}");
        Figures.Report(output, "audit-shutdown", $"clients={Clients} answered={answered.Count} (at SIGTERM {sent}) {string.Join(' ', statuses)} audit-events={audit.Count} audit-files={Directory.GetFiles(gateway.Root, "audit*.json").Length} access-delete-events={accessById.Values.Sum()} exit={gateway.Process.ExitCode}");

        Assert.False(gateway.Process.IsRunning);
        Assert.Equal(0, gateway.Process.ExitCode);
        Assert.Contains(answered, a => a.Status == 204);
        Assert.True(Directory.GetFiles(gateway.Root, "audit*.json").Length > 1, "expected the audit to roll during the run");
        Assert.All(auditById, pair => Assert.Equal(1, pair.Value));   // nothing written twice
        var events = audit.ToDictionary(e => e.Get("RequestId")!);
        Assert.All(answered, a =>
        {
            Assert.True(events.TryGetValue(a.RequestId, out var e), $"answered {a.Status} to {a.RequestId}, no audit event");
            Assert.Equal(a.Status, e!.Number("Status"));
            Assert.True(accessById.TryGetValue(a.RequestId, out var n) && n == 1, $"answered {a.Status} to {a.RequestId}, {n} access events");
        });
    }
}
