using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Glance.Gateway.Auditing;
using Glance.Gateway.EdgePolicy;
using Glance.Gateway.Telemetry;
using Glance.Policy.Members;
using Glance.Policy.Operations;
using Glance.Policy.Routing;
using Glance.Policy.Rules;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Glance.Gateway.Tests.Auditing;

/// <summary>
/// The audit queue (Serilog.Sinks.Async, <c>blockWhenFull</c>) over a sink the test holds up: a
/// full queue holds the writing request back until there is room, the wait is recorded as
/// <c>glance_gateway_audit_queue_wait</c>, nothing is dropped, and disposing drains the queue.
/// Each write also counts its decision once.
/// </summary>
public sealed class AuditQueueTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<double> _waits = new();
    private readonly ConcurrentQueue<KeyValuePair<string, object?>[]> _decisions = new();

    public AuditQueueTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // This test's meters only: other tests' gateways run meanwhile, on meters of the same name.
            if (instrument.Meter.Name == GatewayMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, _services.GetRequiredService<IMeterFactory>()))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "glance_gateway_audit_queue_wait")
            {
                _waits.Enqueue(value);
            }
        });
        _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            if (instrument.Name == "glance_gateway_edge_decisions")
            {
                _decisions.Enqueue(tags.ToArray());
            }
        });
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task FullQueue_HoldsTheWriteBackUntilThereIsRoom_RecordsTheWait_DropsNothing()
    {
        using var sink = new HeldSink();
        var factory = new AuditLoggerFactory(new LoggerConfiguration().WriteTo.Async(a => a.Sink(sink), bufferSize: 1, blockWhenFull: true).CreateLogger());
        var audit = Audit(factory);

        Write(audit, "req-1");                  // taken by the worker, which the sink holds
        await sink.Taken.WaitAsync(TimeSpan.FromSeconds(10));
        Write(audit, "req-2");                  // fills the queue (one place)
        var third = Task.Run(() => Write(audit, "req-3"));
        await Task.Delay(300);

        Assert.False(third.IsCompleted, "a write to a full queue returned instead of waiting");
        sink.Release();
        await third.WaitAsync(TimeSpan.FromSeconds(10));
        factory.Dispose();                      // drains the queue into the sink

        Assert.Equal(["req-1", "req-2", "req-3"], sink.RequestIds);
        Assert.Equal(3, _waits.Count);
        Assert.True(_waits.Max() >= 0.2, $"the longest recorded wait was {_waits.Max()} s");
    }

    [Fact]
    public void EachWrite_CountsItsDecisionOnce_WithRuleRowPolicyRuleAndStatus()
    {
        using var sink = new HeldSink();
        sink.Release();
        using var factory = new AuditLoggerFactory(new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger());
        var audit = Audit(factory);

        Write(audit, "req-allow", MemberDeleteRule.Allowed, "delete_member", 204);
        Write(audit, "req-deny", MemberDeleteRule.NotImageOwner, null, 403);
        Write(audit, "req-error", null, null, 503);

        var decisions = _decisions.Select(tags => tags.ToDictionary(t => t.Key, t => t.Value?.ToString())).ToList();
        Assert.Equal(3, decisions.Count);
        Assert.Equal(("delete_member", "allow", "9", "delete_member", "204"), (decisions[0]["operation"], decisions[0]["decision"], decisions[0]["rule"], decisions[0]["policy_rule"], decisions[0]["status"]));
        Assert.Equal(("deny", "7", "none", "403"), (decisions[1]["decision"], decisions[1]["rule"], decisions[1]["policy_rule"], decisions[1]["status"]));
        Assert.Equal(("error", "none", "none", "503"), (decisions[2]["decision"], decisions[2]["rule"], decisions[2]["policy_rule"], decisions[2]["status"]));
        Assert.Equal(3, sink.RequestIds.Count);
    }

    [Fact]
    public void NoAuditSection_TheDefaultPipelineWritesTheRollingFileUnderLogs_DrainedOnDispose()
    {
        var root = Directory.CreateTempSubdirectory("glance-audit-default-").FullName;
        try
        {
            var environment = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = root };
            var factory = new AuditLoggerFactory(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), environment);
            var audit = Audit(factory);
            for (var i = 0; i < 100; i++)
            {
                Write(audit, $"req-{i}");
            }

            factory.Dispose();

            var file = Assert.Single(Directory.GetFiles(Path.Combine(root, "logs"), "audit-*.json"));
            var events = Glance.Gateway.Tests.Support.AuditEvent.ReadAll(file);
            Assert.Equal(100, events.Count);
            Assert.All(events, e => Assert.False(e.Has("@mt"), e.Line));
            Assert.Equal("req-99", events[^1].Get("RequestId"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private EdgeDecisionAudit Audit(AuditLoggerFactory factory)
    {
        var rules = new PolicyRulesHolder(PolicyRules.Defaults(PolicyMode.Legacy));
        var metrics = new GatewayMetrics(_services.GetRequiredService<IMeterFactory>());
        var modes = new Glance.Gateway.EdgePolicy.EdgePolicyModes(new StaticModes(), Microsoft.Extensions.Logging.Abstractions.NullLogger<Glance.Gateway.EdgePolicy.EdgePolicyModes>.Instance);
        return new(factory, rules, new Glance.Gateway.Policy.PolicyRevision(rules, modes, metrics), metrics, TimeProvider.System);
    }

    private sealed class StaticModes : Microsoft.Extensions.Options.IOptionsMonitor<Glance.Gateway.EdgePolicy.EdgePolicyOptions>
    {
        public Glance.Gateway.EdgePolicy.EdgePolicyOptions CurrentValue { get; } = new();

        public Glance.Gateway.EdgePolicy.EdgePolicyOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<Glance.Gateway.EdgePolicy.EdgePolicyOptions, string?> listener) => null;
    }

    private static void Write(EdgeDecisionAudit audit, string requestId, MemberDeleteRule? rule = MemberDeleteRule.NotImageOwner, string? policyRule = null, int status = 403)
    {
        var context = new DefaultHttpContext { TraceIdentifier = requestId };
        context.Request.Method = "DELETE";
        context.Request.Path = "/v2/images/image-1/members/project-b";
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        var edge = new EdgeRequestFeature("delete_member", "image-1", "project-b");
        if (rule is { } row)
        {
            edge.Decide(new EdgeDecision("delete_member", row.ToString(), (int)row, policyRule, row == MemberDeleteRule.Allowed ? 0 : status, null), forwarded: row == MemberDeleteRule.Allowed);
        }
        else
        {
            edge.Fail();
        }

        audit.Write(context, edge, caller: null, service: null, status, Glance.Gateway.TokenCache.TokenCacheResult.None, TimeProvider.System.GetTimestamp());
    }

    /// <summary>A sink that holds its first event until released, as a slow disk would.</summary>
    private sealed class HeldSink : ILogEventSink, IDisposable
    {
        private readonly ManualResetEventSlim _released = new();
        private readonly TaskCompletionSource _taken = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<string> _ids = new();

        public Task Taken => _taken.Task;

        public IReadOnlyList<string> RequestIds => [.. _ids];

        public void Release() => _released.Set();

        public void Emit(LogEvent logEvent)
        {
            _taken.TrySetResult();
            _released.Wait(TimeSpan.FromSeconds(30));
            _ids.Enqueue(((ScalarValue)logEvent.Properties["RequestId"]).Value!.ToString()!);
        }

        public void Dispose() => _released.Dispose();
    }
}
