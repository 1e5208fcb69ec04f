using System.Net;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Members;

namespace Glance.Gateway.Tests.Telemetry;

/// <summary>The Prometheus scrape endpoint: the gateway's own instruments count exactly what was served.</summary>
[Collection(RunsAlone.Name)]
[Trait("Host", "Any")]
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterAKnownSetOfRequests_CountEachDecisionAndTokenCacheResultExactly()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var client = gateway.Client;
        var image = await GlanceApi.CreateImageAsync(client, "dev-owner", "shared");               // token: miss
        await GlanceApi.AddMemberAsync(client, "dev-owner", image, "project-b");                 // l1

        using (var allowed = await GlanceApi.DeleteMemberAsync(client, "dev-owner", image, "project-b"))   // l1
        {
            Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        }

        using (var gone = await GlanceApi.DeleteMemberAsync(client, "dev-owner", image, "project-b"))      // l1
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        using (var anonymous = await GlanceApi.DeleteMemberAsync(client, null, image, "project-b"))        // no lookup
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var unknown = await GlanceApi.DeleteMemberAsync(client, "not-a-dev-token", image, "project-b")) // invalid
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }

        using (var stranger = await GlanceApi.DeleteMemberAsync(client, "dev-stranger", image, "project-b")) // miss
        {
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        }

        var samples = await ScrapeAsync(gateway);

        const string decisions = "glance_gateway_edge_decisions_total";
        var deleteMember = ("operation", "delete_member");
        Assert.Equal(1, PrometheusSample.Sum(samples, decisions, deleteMember, ("decision", "allow"), ("rule", ((int)MemberDeleteRule.Allowed).ToString(System.Globalization.CultureInfo.InvariantCulture)), ("status", "204")));
        Assert.Equal(2, PrometheusSample.Sum(samples, decisions, deleteMember, ("decision", "deny"), ("rule", ((int)MemberDeleteRule.Unauthenticated).ToString(System.Globalization.CultureInfo.InvariantCulture)), ("status", "401")));
        Assert.Equal(2, PrometheusSample.Sum(samples, decisions, deleteMember, ("decision", "deny"), ("status", "404")));
        Assert.Equal(0, PrometheusSample.Sum(samples, decisions, deleteMember, ("decision", "error")));
        Assert.Equal(5, PrometheusSample.Sum(samples, decisions, deleteMember));

        // Each decision's labels are the audit's: the same rule, policy rule and status, one for one.
        var audited = await AuditEvent.EventuallyAsync(() => gateway.AuditEvents("delete_member"), 5);
        Assert.Equal(5, audited.Count);
        foreach (var group in audited.GroupBy(e => (Rule: e.Number("Rule"), PolicyRule: e.Get("PolicyRule"), Status: e.Number("Status"))))
        {
            var rule = group.Key.Rule?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
            Assert.Equal(group.Count(), PrometheusSample.Sum(
                samples, decisions, deleteMember, ("rule", rule), ("policy_rule", group.Key.PolicyRule ?? "none"), ("status", group.Key.Status!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        const string lookups = "glance_gateway_token_cache_lookups_total";
        Assert.Equal(2, PrometheusSample.Sum(samples, lookups, ("result", "miss")));
        Assert.Equal(3, PrometheusSample.Sum(samples, lookups, ("result", "l1")));
        Assert.Equal(1, PrometheusSample.Sum(samples, lookups, ("result", "invalid")));
        Assert.Equal(0, PrometheusSample.Sum(samples, lookups, ("result", "l2")));
    }

    [Fact]
    public async Task Metrics_CountRouteReloads_AppliedAndRefused()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var good = await File.ReadAllTextAsync(gateway.RoutesFile);

        await File.WriteAllTextAsync(gateway.RoutesFile, "{ \"ReverseProxy\": { \"Routes\": { oops");
        var broken = await EventuallyAsync(gateway, ("refused", 1));
        Assert.Equal(0, PrometheusSample.Sum(broken, "glance_gateway_route_reloads_total", ("outcome", "applied")));

        // One edit may be seen as more than one change (the file watcher reports the truncation and
        // the write), so the counts are at least one each, not exactly one.
        await File.WriteAllTextAsync(gateway.RoutesFile, good.Replace("\"Order\": 10", "\"Order\": 11", StringComparison.Ordinal));
        var fixedAgain = await EventuallyAsync(gateway, ("applied", 1));
        Assert.True(PrometheusSample.Sum(fixedAgain, "glance_gateway_route_reloads_total", ("outcome", "applied")) >= 1);
        Assert.True(PrometheusSample.Sum(fixedAgain, "glance_gateway_route_reloads_total", ("outcome", "refused")) >= 1);
    }

    // File watching is asynchronous: scrape until the reload is counted, bounded.
    private static async Task<IReadOnlyList<PrometheusSample>> EventuallyAsync(GatewayHost gateway, (string Outcome, int Count) expected)
    {
        IReadOnlyList<PrometheusSample> samples = [];
        for (var i = 0; i < 300; i++)
        {
            samples = await ScrapeAsync(gateway);
            if (PrometheusSample.Sum(samples, "glance_gateway_route_reloads_total", ("outcome", expected.Outcome)) >= expected.Count)
            {
                break;
            }

            await Task.Delay(100);
        }

        return samples;
    }

    [Fact]
    public async Task Metrics_IncludeAspNetCoreRuntimeProcessAndStoreInstruments()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var image = await GlanceApi.CreateImageAsync(gateway.Client, "dev-owner", "shared");
        await GlanceApi.AddMemberAsync(gateway.Client, "dev-owner", image, "project-b");

        var samples = await ScrapeAsync(gateway);
        var names = samples.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("http_server_request_duration_seconds_count", names);   // ASP.NET Core
        Assert.Contains("http_client_request_duration_seconds_count", names);   // HttpClient: the forward to the store
        Assert.Contains(names, n => n.StartsWith("dotnet_gc_", StringComparison.Ordinal));   // runtime
        Assert.Contains(names, n => n.StartsWith("process_", StringComparison.Ordinal));     // process
        Assert.Contains("glance_store_wal_size_bytes", names);
        Assert.True(PrometheusSample.Sum(samples, "glance_store_writer_queue_wait_seconds_count") >= 2, "every store write waits its turn once");

        // The hosted store's server requests are told apart from the gateway's.
        Assert.True(PrometheusSample.Sum(samples, "http_server_request_duration_seconds_count", ("glance_component", "image-store")) >= 2);
    }

    // The histograms are durations in seconds: their buckets must be second-scale
    // (SecondsHistogram), not OpenTelemetry's default ones made for milliseconds (0, 5, 10, 25 ...
    // 10000). The hosted store's writes wait for the writer turn; a member DELETE is audited.
    [Fact]
    public async Task Histograms_OfTheStoreWriterAndTheAuditQueue_ExportSecondScaleBuckets()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var image = await GlanceApi.CreateImageAsync(gateway.Client, "dev-owner", "shared");
        await GlanceApi.AddMemberAsync(gateway.Client, "dev-owner", image, "project-b");
        using (var deleted = await GlanceApi.DeleteMemberAsync(gateway.Client, "dev-owner", image, "project-b"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var samples = await ScrapeAsync(gateway);

        AssertSecondScaleBuckets(samples, "glance_store_writer_queue_wait_seconds");
        AssertSecondScaleBuckets(samples, "glance_gateway_audit_queue_wait_seconds");
    }

    // Keystone validates the token and, in front of a backend, the pre-check reads the image and
    // the member over HTTP (from the hosted store it reads in process, and observes nothing).
    [Fact]
    public async Task Histograms_OfKeystoneAndTheMetadataReads_ExportSecondScaleBuckets()
    {
        using var keystone = new KeystoneStub();
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        using var backend = new BackendStub();
        await using var gateway = await GatewayHost.StartAsync(BackendStub.Settings(keystone.Settings()), routesJson: GatewayHost.RoutesToward(backend.Url));
        using (var deleted = await GlanceApi.DeleteMemberAsync(gateway.Client, ids.Owner, BackendStub.ImageId, Identities.MemberProject))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var samples = await ScrapeAsync(gateway);

        AssertSecondScaleBuckets(samples, "glance_gateway_keystone_request_duration_seconds");
        AssertSecondScaleBuckets(samples, "glance_gateway_metadata_request_duration_seconds");
        AssertSecondScaleBuckets(samples, "glance_gateway_audit_queue_wait_seconds");
    }

    // The two tests above scrape these four; a histogram added without SecondsHistogram, or
    // without a scrape test of its own, fails here first.
    [Trait("Host", "InProcess")]
    [Fact]
    public async Task Histograms_EveryOneOfTheGatewayAndTheStore_IsAdvisedTheSecondScaleBuckets()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var histograms = new List<System.Diagnostics.Metrics.Histogram<double>>();
        using (var listener = new System.Diagnostics.Metrics.MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument is System.Diagnostics.Metrics.Histogram<double> histogram
                    && instrument.Meter.Name is Glance.Gateway.Telemetry.GatewayMetrics.MeterName or Glance.ImageStore.StoreMetrics.MeterName)
                {
                    lock (histograms)
                    {
                        histograms.Add(histogram);
                    }
                }
            };
            listener.Start();
        }

        Assert.Equal(
            ["glance_gateway_audit_queue_wait", "glance_gateway_keystone_request_duration", "glance_gateway_metadata_request_duration", "glance_store_writer_queue_wait"],
            histograms.Select(h => h.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        Assert.All(histograms, h =>
        {
            Assert.Equal("s", h.Unit);
            Assert.Equal(Glance.Policy.Telemetry.SecondsHistogram.BucketBoundaries, h.Advice?.HistogramBucketBoundaries);
        });
    }

    // Every series of the histogram has been observed and has exactly the second-scale bounds
    // (le="0.0001" ... le="10", then le="+Inf"); none of the millisecond defaults (le="5000").
    private static void AssertSecondScaleBuckets(IReadOnlyList<PrometheusSample> samples, string histogram)
    {
        Assert.True(PrometheusSample.Sum(samples, histogram + "_count") >= 1, histogram + " observed nothing");
        var series = samples.Where(s => s.Name == histogram + "_bucket")
            .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")))
            .ToList();
        Assert.NotEmpty(series);
        foreach (var buckets in series)
        {
            var bounds = buckets.Select(s => s.Labels["le"]).ToList();
            Assert.Equal("+Inf", bounds[^1]);
            Assert.DoesNotContain("5000", bounds);
            Assert.Equal(
                Glance.Policy.Telemetry.SecondsHistogram.BucketBoundaries,
                bounds[..^1].Select(b => double.Parse(b, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public async Task Metrics_NeedNoToken_AndAreNotProxied()
    {
        await using var gateway = await GatewayHost.StartAsync();
        using var response = await gateway.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AtAnOperatorPath_AndNoneWhenTelemetryIsOff()
    {
        await using (var moved = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Telemetry:PrometheusPath"] = "/internal/metrics" }))
        {
            using var there = await moved.Client.GetAsync(new Uri("/internal/metrics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, there.StatusCode);
            await AssertAnsweredAsAnyPathAsync(moved, "/metrics");
        }

        await using var off = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Telemetry:Enabled"] = "false" });
        await AssertAnsweredAsAnyPathAsync(off, "/metrics");
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task Metrics_OnTheirOwnListener_AreNotAnsweredOnThePublicOne()
    {
        var port = Glance.Testing.FreePort.Next();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:0;http://127.0.0.1:{port}",
            ["Telemetry:PrometheusHost"] = $"*:{port}",
        });
        var publicAddress = gateway.App.Urls.Single(u => !u.EndsWith($":{port}", StringComparison.Ordinal));
        using var client = new HttpClient { BaseAddress = new Uri(publicAddress) };

        using var own = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("process_cpu_time_seconds", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var onPublic = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.OK, onPublic.StatusCode);
        Assert.DoesNotContain("process_cpu_time_seconds", await onPublic.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metrics")]
    [InlineData("/v2/metrics")]
    [InlineData("/")]
    public async Task Metrics_AtAPathInsideGlancesApi_StopTheStart(string path)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatewayHost.StartAsync(new Dictionary<string, string?> { ["Telemetry:PrometheusPath"] = path }));
        Assert.Contains("Telemetry:PrometheusPath", failure.ToString(), StringComparison.Ordinal);
    }

    // Not the scrape endpoint: the gateway answers the path as it answers any unversioned path (Glance's versions document).
    private static async Task AssertAnsweredAsAnyPathAsync(GatewayHost gateway, string path)
    {
        using var response = await gateway.Client.GetAsync(new Uri(path, UriKind.Relative));
        using var other = await gateway.Client.GetAsync(new Uri("/no-such-path", UriKind.Relative));
        Assert.Equal(other.StatusCode, response.StatusCode);
        Assert.DoesNotContain("process_cpu_time_seconds", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(GatewayHost gateway)
    {
        using var response = await gateway.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusSample.Parse(await response.Content.ReadAsStringAsync());
    }

}
