using Glance.Gateway.Routing;
using Glance.ImageStore;
using Glance.ImageStore.Facts;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace Glance.Gateway.Hosting;

/// <summary>
/// Runs the image store in this process on loopback, before the gateway starts listening, then
/// re-applies the routes so that the store's cluster points at the address it really bound.
/// </summary>
public sealed partial class HostedImageStore(
    IOptions<HostedImageStoreOptions> options,
    IOptions<Keystone.KeystoneOptions> keystone,
    IConfiguration configuration,
    IPolicyRulesProvider policy,
    ImageStoreAddress address,
    RouteFileConfiguration routes,
    IServiceProvider services,
    IHostEnvironment environment,
    ILoggerFactory loggerFactory,
    ILogger<HostedImageStore> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _store;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        // Every store setting of the ImageStore section applies (size caps, …); the gateway adds
        // the data path resolved against its content root and its own 401 challenge URI.
        var storeOptions = new ImageStoreOptions { IdentityUri = keystone.Value.ChallengeUri };
        configuration.GetSection(ImageStoreOptions.SectionName).Bind(storeOptions);
        storeOptions.Database.ConnectionString ??= configuration.GetConnectionString("ImageStore");
        storeOptions.Url = settings.Url;
        storeOptions.DataPath = Path.GetFullPath(settings.DataPath, environment.ContentRootPath);
        _store = ImageStoreApplication.Build(storeOptions, logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        }, policy);
        await _store.StartAsync(cancellationToken);
        var bound = new Uri(_store.Urls.First());
        address.Current = bound;
        address.Facts = _store.Services.GetRequiredService<IImageFactsReader>();
        address.NamespaceFacts = _store.Services.GetRequiredService<INamespaceFactsReader>();
        Log.StoreStarted(logger, bound, storeOptions.DataPath);

        routes.Refresh();
        await WaitForClusterAsync(settings.ClusterId, bound, cancellationToken);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_store is not null)
        {
            await _store.StopAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
            _store = null;
        }
    }

    // YARP applies a reload in the background; the gateway must not listen before the cluster
    // points at the store, or its first requests would go to the placeholder address.
    private async Task WaitForClusterAsync(string clusterId, Uri bound, CancellationToken cancellationToken)
    {
        var lookup = services.GetRequiredService<IProxyStateLookup>();
        var expected = bound.ToString().TrimEnd('/');
        for (var attempt = 0; attempt < 500; attempt++)
        {
            if (!lookup.TryGetCluster(clusterId, out var cluster))
            {
                Log.ClusterMissing(logger, clusterId);
                return;
            }

            var destinations = cluster.Destinations.Values;
            if (destinations.Count > 0 && destinations.All(d => d.Model.Config.Address.TrimEnd('/') == expected))
            {
                return;
            }

            await Task.Delay(10, cancellationToken);
        }

        throw new InvalidOperationException($"The '{clusterId}' cluster was not pointed at the hosted store {expected}.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Hosted image store listening on {Address}, data in {DataPath}")]
        public static partial void StoreStarted(ILogger logger, Uri address, string dataPath);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "No cluster '{ClusterId}' in the routes: the hosted image store receives no traffic")]
        public static partial void ClusterMissing(ILogger logger, string clusterId);
    }
}
