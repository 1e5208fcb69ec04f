using Glance.Gateway.Hosting;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Glance.Gateway.Routing;

/// <summary>
/// Points every destination of the store's cluster (<c>image-store</c>) at the hosted store's real
/// address, since the routes file cannot know a port chosen at start-up. Does nothing when the
/// store is not hosted: then the file's addresses are used as written.
/// </summary>
public sealed class HostedStoreDestinationFilter(IOptions<HostedImageStoreOptions> options, ImageStoreAddress address) : IProxyConfigFilter
{
    /// <inheritdoc />
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var settings = options.Value;
        if (!settings.Enabled || cluster.Destinations is null
            || !string.Equals(cluster.ClusterId, settings.ClusterId, StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult(cluster);
        }

        var target = address.Current?.ToString() ?? settings.Url;
        var destinations = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, destination) in cluster.Destinations)
        {
            destinations[id] = destination with { Address = target };
        }

        return ValueTask.FromResult(cluster with { Destinations = destinations });
    }

    /// <inheritdoc />
    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);
}
