using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Glance.Gateway.HeaderHygiene;
using Glance.Gateway.Keystone;
using Glance.Gateway.EdgePolicy;
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
/// The pre-check's metadata reads: through the cluster's own HTTP settings, with the service token
/// (Token mode) from the one ServiceTokenHandler, which never rides on a forwarded client request.
/// </summary>
[Trait("Host", "Any")]
public sealed class BackendHttpClientsTests
{
    [Fact]
    public async Task TokenMode_ForwardedClientRequests_CarryNoServiceToken()
    {
        using var backend = new BackendStub();
        await using var fx = await StartAsync(backend, tokenMode: true);

        using (var delete = await GlanceApi.DeleteMemberAsync(fx.Client, fx.Ids.Owner, BackendStub.ImageId, "project-b"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using (var list = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Member)))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        var reads = backend.Requests.Where(e => e.RequestMessage.Path.StartsWith($"/v2/images/{BackendStub.ImageId}", StringComparison.Ordinal)
            && e.RequestMessage.Method == "GET").ToList();
        Assert.Equal(2, reads.Count);
        Assert.All(reads, read => Assert.Equal(KeystoneStub.ServiceToken, KeystoneStub.HeaderValue(read.RequestMessage.Headers, "X-Auth-Token")));
        var forwarded = backend.Requests.Except(reads).ToList();
        Assert.Equal(2, forwarded.Count);
        Assert.Equal(fx.Ids.Owner, KeystoneStub.HeaderValue(Assert.Single(forwarded, e => e.RequestMessage.Method == "DELETE").RequestMessage.Headers, "X-Auth-Token"));
        Assert.Equal(fx.Ids.Member, KeystoneStub.HeaderValue(Assert.Single(forwarded, e => e.RequestMessage.Method == "GET").RequestMessage.Headers, "X-Auth-Token"));
        Assert.All(forwarded, request => Assert.DoesNotContain(
            request.RequestMessage.Headers!.SelectMany(h => h.Value),
            value => value.Contains(KeystoneStub.ServiceToken, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TokenMode_MetadataReadRefused401_ServiceTokenRenewedOnceAndReadAgain()
    {
        using var backend = new BackendStub();
        backend.Server.Given(Request.Create().WithPath($"/v2/images/{BackendStub.ImageId}").UsingGet())
            .AtPriority(0).InScenario("expired-service-token").WillSetStateTo("renewed")
            .RespondWith(Response.Create().WithStatusCode(401));
        await using var fx = await StartAsync(backend, tokenMode: true);
        (await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Member))).Dispose();
        var issuedBefore = fx.Keystone.ServiceTokenCalls;
        Assert.Equal(1, issuedBefore);

        using var delete = await GlanceApi.DeleteMemberAsync(fx.Client, fx.Ids.Owner, BackendStub.ImageId, "project-b");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(issuedBefore + 1, fx.Keystone.ServiceTokenCalls);
        var imageReads = backend.Requests.Where(e => e.RequestMessage.Path == $"/v2/images/{BackendStub.ImageId}").ToList();
        Assert.Equal(2, imageReads.Count);
        Assert.All(imageReads, read => Assert.Equal(KeystoneStub.ServiceToken, KeystoneStub.HeaderValue(read.RequestMessage.Headers, "X-Auth-Token")));
    }

    [Fact]
    public async Task MetadataReads_TlsBackend_UseTheClustersDangerousAcceptAnyServerCertificate()
    {
        using var certificate = SelfSignedCertificate();
        using var backend = new BackendStub(certificate);
        Assert.StartsWith("https://", backend.Url, StringComparison.Ordinal);
        var routes = JsonNode.Parse(GatewayHost.RoutesToward(backend.Url))!;
        routes["ReverseProxy"]!["Clusters"]!["image-store"]!["HttpClient"] = new JsonObject { ["DangerousAcceptAnyServerCertificate"] = true };
        await using var fx = await GatewayFixture.StartAsync(
            new Dictionary<string, string?> { ["ImageStore:Enabled"] = "false" }, routesJson: routes.ToJsonString());

        using var delete = await GlanceApi.DeleteMemberAsync(fx.Client, fx.Ids.Owner, BackendStub.ImageId, "project-b");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(2, backend.Requests.Count(e => e.RequestMessage.Method == "GET"));
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task KeystoneAndMetadataRequests_DurationsRecorded()
    {
        var recorded = new System.Collections.Concurrent.ConcurrentBag<(string Instrument, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        // Only this test's gateway: others running meanwhile record the same instruments.
        object? ours = null;
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, Volatile.Read(ref ours)))
            {
                recorded.Add((instrument.Name, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));
            }
        });
        listener.Start();
        using var backend = new BackendStub();
        await using var fx = await StartAsync(backend, tokenMode: true);
        Volatile.Write(ref ours, fx.Gateway.App.Services.GetRequiredService<IMeterFactory>());

        using var delete = await GlanceApi.DeleteMemberAsync(fx.Client, fx.Ids.Owner, BackendStub.ImageId, "project-b");
        using var ready = await fx.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Contains(("glance_gateway_keystone_request_duration", "operation=issue,outcome=201"), recorded);
        Assert.Contains(("glance_gateway_keystone_request_duration", "operation=validate,outcome=200"), recorded);
        Assert.Contains(("glance_gateway_keystone_request_duration", "operation=ping,outcome=200"), recorded);
        Assert.Contains(("glance_gateway_metadata_request_duration", "outcome=200"), recorded);
        Assert.DoesNotContain("Execution attempt", fx.Gateway.AppLog(), StringComparison.Ordinal); // Polly's per-attempt lines stay at Debug
    }

    [Fact]
    public void Invoker_SameClusterConfig_Reused_ChangedConfig_Rebuilt()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        using var clients = new BackendHttpClients(Options.Create(new BackendOptions()), services, NullLoggerFactory.Instance);
        var cluster = new ClusterConfig { ClusterId = "image-store", HttpClient = new HttpClientConfig { MaxConnectionsPerServer = 10 } };

        var first = clients.Metadata(cluster);
        var same = clients.Metadata(cluster with { HttpClient = new HttpClientConfig { MaxConnectionsPerServer = 10 } });
        var changed = clients.Metadata(cluster with { HttpClient = new HttpClientConfig { MaxConnectionsPerServer = 20 } });

        Assert.Same(first, same);
        Assert.NotSame(first, changed);
        Assert.Same(changed, clients.Metadata(cluster with { HttpClient = new HttpClientConfig { MaxConnectionsPerServer = 20 } }));
    }

    // A certificate no client trusts: only DangerousAcceptAnyServerCertificate lets a request through.
    private static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSignedCertificate()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=glance-backend.test", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(created.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
    }

    private static Task<GatewayFixture> StartAsync(BackendStub backend, bool tokenMode)
    {
        var settings = new Dictionary<string, string?> { ["ImageStore:Enabled"] = "false" };
        if (tokenMode)
        {
            settings["Backend:Identity"] = nameof(BackendIdentity.Token);
        }

        return GatewayFixture.StartAsync(settings, routesJson: GatewayHost.RoutesToward(backend.Url));
    }
}
