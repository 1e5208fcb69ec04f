using System.Text;
using Glance.Gateway.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Glance.Gateway.Tests.Logging;

/// <summary>The OpenTelemetry sink as the binder configures it, toward an OTLP/HTTP collector stand-in.</summary>
public sealed class SerilogOpenTelemetryTests
{
    [Fact]
    public void OpenTelemetry_HttpProtobuf_PostsEventsWithHeadersAndResourceAttributes_AboveItsLevel()
    {
        using var collector = WireMockServer.Start();
        collector.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var settings = new Dictionary<string, string?>
        {
            ["Serilog:WriteTo:0:Name"] = "OpenTelemetry",
            ["Serilog:WriteTo:0:Args:endpoint"] = collector.Url,
            ["Serilog:WriteTo:0:Args:protocol"] = "httpprotobuf",
            ["Serilog:WriteTo:0:Args:headers:X-Collector-Key"] = "key-from-section",
            ["Serilog:WriteTo:0:Args:resourceAttributes:service.name"] = "glance-gateway-logging-test",
            ["Serilog:WriteTo:0:Args:restrictedToMinimumLevel"] = "Warning",
            ["Serilog:WriteTo:1:Name"] = "OpenTelemetry",
            ["Serilog:WriteTo:1:Args:endpoint"] = collector.Url,
            ["Serilog:WriteTo:1:Args:protocol"] = "HttpProtobuf",
            ["Serilog:WriteTo:1:Args:headers"] = "X-Collector-Key=key-from-text, X-Other=2",
        };
        using (var logger = LogFolder.Create(LogFolder.Section(settings)))
        {
            logger.Information("otel-information {Mark}", "info-mark");
            logger.Warning("otel-warning {Mark}", "warning-mark");
        }

        var posts = collector.LogEntries.Select(e => e.RequestMessage).Where(r => r.Path == "/v1/logs").ToList();
        var fromSection = posts.Where(r => KeystoneStub.HeaderValue(r.Headers, "X-Collector-Key") == "key-from-section").Select(Body).ToList();
        var fromText = posts.Where(r => KeystoneStub.HeaderValue(r.Headers, "X-Collector-Key") == "key-from-text").ToList();
        Assert.NotEmpty(fromSection);
        Assert.Contains(fromSection, b => b.Contains("warning-mark", StringComparison.Ordinal) && b.Contains("glance-gateway-logging-test", StringComparison.Ordinal));
        Assert.DoesNotContain(fromSection, b => b.Contains("info-mark", StringComparison.Ordinal));
        Assert.NotEmpty(fromText);
        Assert.All(fromText, r => Assert.Equal("2", KeystoneStub.HeaderValue(r.Headers, "X-Other")));
        Assert.Contains(fromText, r => Body(r).Contains("info-mark", StringComparison.Ordinal));
        Assert.All(posts, r => Assert.Equal("application/x-protobuf", KeystoneStub.HeaderValue(r.Headers, "Content-Type")));
    }

    private static string Body(WireMock.IRequestMessage request) => Encoding.UTF8.GetString(request.BodyAsBytes ?? []);
}
