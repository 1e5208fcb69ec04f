using System.Net;
using Glance.Gateway.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Glance.Gateway.Tests.Telemetry;

/// <summary>OTLP export: with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, spans are recorded and sent there (an OTLP/HTTP collector stand-in).</summary>
[Collection(RunsAlone.Name)]
[Trait("Host", "Any")]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task OtlpEndpointSet_TracesArePostedToTheCollector()
    {
        using var collector = WireMockServer.Start();
        collector.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await using (var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        }))
        {
            using var response = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "dev-owner"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            for (var i = 0; i < 100 && !collector.LogEntries.Any(e => e.RequestMessage.Path == "/v1/traces"); i++)
            {
                await Task.Delay(50);
            }
        }

        var traces = collector.LogEntries.Where(e => e.RequestMessage.Path == "/v1/traces").ToList();
        Assert.NotEmpty(traces);
        Assert.All(traces, e => Assert.Equal("application/x-protobuf", KeystoneStub.HeaderValue(e.RequestMessage.Headers, "Content-Type")));
        Assert.DoesNotContain(collector.LogEntries, e => e.RequestMessage.BodyAsBytes is { } body
            && System.Text.Encoding.UTF8.GetString(body).Contains("dev-owner", StringComparison.Ordinal)); // no token in a span
    }
}
