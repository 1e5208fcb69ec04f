using System.Diagnostics;
using System.Net;
using Glance.Gateway.Telemetry;
using Glance.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Glance.Gateway.Tests.Telemetry;

/// <summary>Traces: one trace across the gateway, its token validation and the store it forwards to.</summary>
[Collection(RunsAlone.Name)]
[Trait("Host", "Any")]
public sealed class TraceTests
{
    private static readonly Dictionary<string, string?> Tracing = new() { ["Telemetry:Tracing"] = "true" };

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task WithoutAnExporter_NoSpansAreRecorded()
    {
        // Telemetry:Tracing unset and no OTEL_EXPORTER_OTLP_ENDPOINT: no tracer provider, so the
        // exporter registered here is never built and the gateway records no span.
        var spans = new SpanList();
        await using var gateway = await GatewayHost.StartAsync(configure: builder =>
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        using var response = await gateway.Client.GetAsync(new Uri("/versions", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Task.Delay(200);
        Assert.Empty(Snapshot(spans));
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task AllowedDelete_IsOneTrace_OfGatewayTokenValidationForwardAndStoreSpans_WithTheRequestId()
    {
        var spans = new SpanList();
        await using var gateway = await GatewayHost.StartAsync(Tracing, configure: builder =>
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        var image = await GlanceApi.CreateImageAsync(gateway.Client, "dev-owner", "shared");
        await GlanceApi.AddMemberAsync(gateway.Client, "dev-owner", image, "project-b");

        using var response = await GlanceApi.DeleteMemberAsync(gateway.Client, "dev-owner", image, "project-b");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var requestId = response.Headers.GetValues("X-Openstack-Request-Id").Single();

        // Both server spans carry the request id; the store's ends (and is exported) first.
        var trace = await WaitForAsync(spans, requestId, serverSpans: 2);
        var server = trace.Where(a => a.Kind == ActivityKind.Server).OrderBy(a => a.StartTimeUtc).ToList();
        Assert.Equal(2, server.Count);
        var gatewaySpan = server[0];
        Assert.Equal(requestId, gatewaySpan.GetTagItem(GatewayTelemetry.RequestIdTag));
        Assert.Equal("DELETE", gatewaySpan.GetTagItem("http.request.method"));
        Assert.Equal(204, gatewaySpan.GetTagItem("http.response.status_code"));

        var validation = Assert.Single(trace, a => a.Source.Name == GatewayTelemetry.SourceName && a.DisplayName == "token validation");
        Assert.Equal(gatewaySpan.SpanId, validation.ParentSpanId);
        Assert.Equal("l1", validation.GetTagItem("glance.token_cache.result"));

        // The forward to the store (the test's own client span is the gateway span's parent).
        var forward = Assert.Single(trace, a => a.Kind == ActivityKind.Client && a.ParentSpanId == gatewaySpan.SpanId);
        Assert.Equal("DELETE", forward.GetTagItem("http.request.method"));
        var store = Assert.Single(server, a => a.ParentSpanId == forward.SpanId);
        Assert.NotSame(gatewaySpan, store);
        Assert.Equal(requestId, store.GetTagItem(GatewayTelemetry.RequestIdTag));
        Assert.Equal(204, store.GetTagItem("http.response.status_code"));
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task HealthProbesAndScrapes_AreNotTraced()
    {
        var spans = new SpanList();
        await using var gateway = await GatewayHost.StartAsync(Tracing, configure: builder =>
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        foreach (var path in new[] { "/healthz", "/metrics", "/healthcheck" })
        {
            using var response = await gateway.Client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var api = await gateway.Client.GetAsync(new Uri("/versions", UriKind.Relative)); // traced: the marker the others are not
        await WaitUntilAsync(() => Snapshot(spans).Any(a => "/versions".Equals(a.GetTagItem("url.path"))));
        Assert.DoesNotContain(Snapshot(spans), a => a.GetTagItem("url.path") is "/healthz" or "/metrics" or "/healthcheck");
    }

    // The exporter adds a span when it ends; the gateway's own ends just after the client has the answer.
    // The spans of the request's trace, once serverSpans server spans with its request id have
    // been exported (a span is exported when it ends: the innermost first).
    private static async Task<IReadOnlyList<Activity>> WaitForAsync(SpanList spans, string requestId, int serverSpans = 1)
    {
        ActivityTraceId? traceId = null;
        await WaitUntilAsync(() =>
        {
            var tagged = Snapshot(spans).Where(a => a.Kind == ActivityKind.Server && requestId.Equals(a.GetTagItem(GatewayTelemetry.RequestIdTag))).ToList();
            traceId = tagged.FirstOrDefault()?.TraceId;
            return tagged.Count >= serverSpans;
        });
        return Snapshot(spans).Where(a => a.TraceId == traceId).ToList();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "the spans did not arrive");
    }

    private static List<Activity> Snapshot(SpanList spans) => spans.Snapshot();

    // The exporter adds from the thread that ends a span; the test reads from its own.
    private sealed class SpanList : System.Collections.ObjectModel.Collection<Activity>
    {
        private readonly Lock _lock = new();

        public List<Activity> Snapshot()
        {
            lock (_lock)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_lock)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
