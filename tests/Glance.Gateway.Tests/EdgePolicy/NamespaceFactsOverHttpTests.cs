using System.Diagnostics.Metrics;
using Glance.Gateway.EdgePolicy;
using Glance.Gateway.HeaderHygiene;
using Glance.Gateway.Telemetry;
using Glance.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Yarp.ReverseProxy.Configuration;

namespace Glance.Gateway.Tests.EdgePolicy;

/// <summary>
/// The namespace facts of a metadef decision read over a real Glance's API: <c>GET
/// /v2/metadefs/namespaces/{ns}</c> with the service identity; its owner, visibility and
/// <c>protected</c>; a 404 is a namespace that does not exist; anything else, the backend cannot answer.
/// </summary>
[Trait("Host", "Any")]
public sealed class NamespaceFactsOverHttpTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddLogging().BuildServiceProvider();
    private readonly BackendStub _backend = new();
    private readonly ImageMetadataClient _client;

    public NamespaceFactsOverHttpTests()
    {
        var options = Options.Create(new BackendOptions { MetadataCacheSeconds = 0 });
        _client = new ImageMetadataClient(
            options,
            new BackendHttpClients(options, _services, NullLoggerFactory.Instance),
            new ImageFactsCache(options, TimeProvider.System),
            new GatewayMetrics(_services.GetRequiredService<IMeterFactory>()));
    }

    public void Dispose()
    {
        _backend.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task ANamespace_ItsOwnerVisibilityAndProtected_ReadWithTheServiceIdentity()
    {
        _backend.Server.Given(Request.Create().WithPath("/v2/metadefs/namespaces/OS::Test::Ns").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("{\"namespace\": \"OS::Test::Ns\", \"visibility\": \"public\", \"protected\": true, \"owner\": \"project-a\", \"objects\": [], \"self\": \"/v2/metadefs/namespaces/OS::Test::Ns\"}"));

        var facts = await ReadAsync("OS::Test::Ns");

        Assert.Equal(new Glance.Policy.Operations.NamespaceFacts("OS::Test::Ns", "project-a", "public", true), facts);
        var read = Assert.Single(_backend.Requests, e => e.RequestMessage.Path.StartsWith("/v2/metadefs/", StringComparison.Ordinal));
        Assert.Equal("service", KeystoneStub.HeaderValue(read.RequestMessage.Headers, "X-Project-Id"));
    }

    [Fact]
    public async Task A404_IsANamespaceThatDoesNotExist() =>
        Assert.Null(await ReadAsync("missing"));

    [Fact]
    public async Task AnotherStatus_TheBackendCannotAnswer()
    {
        _backend.Server.Given(Request.Create().WithPath("/v2/metadefs/namespaces/broken").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(500));

        await Assert.ThrowsAsync<MetadataUnavailableException>(() => ReadAsync("broken"));
    }

    private Task<Glance.Policy.Operations.NamespaceFacts?> ReadAsync(string name) =>
        _client.ReadNamespaceAsync(new ClusterConfig { ClusterId = "glance" }, _backend.Url, name, "req-1", CancellationToken.None);
}
