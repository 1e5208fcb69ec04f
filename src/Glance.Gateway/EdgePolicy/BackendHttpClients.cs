using System.Collections.Concurrent;
using Glance.Gateway.HeaderHygiene;
using Glance.Gateway.Keystone;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// The invokers the gateway sends its own requests to a backend with (the pre-check's metadata
/// reads, readiness), built by YARP's <see cref="ForwarderHttpClientFactory"/> from the cluster's
/// own <c>HttpClient</c> section in <c>config/reverse-proxy.json</c> (TLS and
/// DangerousAcceptAnyServerCertificate, SslProtocols, MaxConnectionsPerServer, WebProxy, header
/// encodings), so that they reach the backend exactly as forwarded requests do, and built again when
/// that section changes. The metadata invoker carries the service token
/// (<see cref="ServiceTokenHandler"/>) when the backend is a real Glance (<see cref="BackendIdentity.Token"/>).
/// These are never the invokers YARP forwards clients' requests with: the service token cannot
/// ride on a client's request.
/// </summary>
public sealed class BackendHttpClients : IDisposable
{
    private readonly ConcurrentDictionary<(string Cluster, bool ServiceToken), Entry> _clients = new();
    private readonly Lock _build = new();
    private readonly Factory _plain;
    private readonly Factory _withServiceToken;
    private readonly bool _tokenMode;

    /// <summary>Creates the two factories (with and without the service token).</summary>
    public BackendHttpClients(IOptions<BackendOptions> options, IServiceProvider services, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger<ForwarderHttpClientFactory>();
        _tokenMode = options.Value.Identity == BackendIdentity.Token;
        _plain = new Factory(logger, wrap: null);
        _withServiceToken = new Factory(logger, wrap: _tokenMode ? services.GetRequiredService<ServiceTokenHandler> : null);
    }

    /// <summary>The invoker of the metadata reads toward <paramref name="cluster"/> (service token in Token mode).</summary>
    public HttpMessageInvoker Metadata(ClusterConfig cluster) => Get(cluster, serviceToken: _tokenMode);

    /// <summary>An invoker toward <paramref name="cluster"/> that adds nothing (readiness: the backend's version document).</summary>
    public HttpMessageInvoker Plain(ClusterConfig cluster) => Get(cluster, serviceToken: false);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var entry in _clients.Values)
        {
            entry.Invoker.Dispose();
        }

        _clients.Clear();
    }

    private HttpMessageInvoker Get(ClusterConfig cluster, bool serviceToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var config = cluster.HttpClient ?? HttpClientConfig.Empty;
        var key = (cluster.ClusterId, serviceToken);
        if (_clients.TryGetValue(key, out var entry) && entry.Config == config)
        {
            return entry.Invoker;
        }

        lock (_build)
        {
            if (_clients.TryGetValue(key, out entry) && entry.Config == config)
            {
                return entry.Invoker;
            }

            // As YARP does with its own clients, a replaced invoker is not disposed: requests may
            // still be running on it; its idle connections close after their idle timeout.
            var invoker = (serviceToken ? _withServiceToken : _plain).CreateClient(new ForwarderHttpClientContext
            {
                ClusterId = cluster.ClusterId,
                OldConfig = entry?.Config ?? HttpClientConfig.Empty,
                OldMetadata = entry?.Metadata,
                OldClient = entry?.Invoker,
                NewConfig = config,
                NewMetadata = cluster.Metadata,
            });
            _clients[key] = new Entry(config, cluster.Metadata, invoker);
            return invoker;
        }
    }

    private sealed record Entry(HttpClientConfig Config, IReadOnlyDictionary<string, string>? Metadata, HttpMessageInvoker Invoker);

    // YARP's own handler construction from the cluster's config; the only addition is the
    // service-token handler around it.
    private sealed class Factory(ILogger<ForwarderHttpClientFactory> logger, Func<DelegatingHandler>? wrap) : ForwarderHttpClientFactory(logger)
    {
        protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler)
        {
            if (wrap is null)
            {
                return handler;
            }

            var outer = wrap();
            outer.InnerHandler = handler;
            return outer;
        }
    }
}
