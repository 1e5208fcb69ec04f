using Glance.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Hosting;

/// <summary>
/// With the store hosted, the gateway routes as that store does: <see cref="GlanceRoutingOptions.ImageCache"/>
/// (the API versions of the versions document and of the version negotiation) is the store's
/// <c>ImageStore:ImageCache:Enabled</c>, whatever <c>Routing:ImageCache</c> says, so that the
/// gateway never advertises v2.14/v2.16 for a store without a cache or refuses them for one with it.
/// <c>Routing:ImageCache</c> is for a real Glance behind the gateway (<c>ImageStore:Enabled</c> false).
/// </summary>
public sealed class HostedStoreRoutingOptions(IConfiguration configuration) : IPostConfigureOptions<GlanceRoutingOptions>
{
    /// <inheritdoc />
    public void PostConfigure(string? name, GlanceRoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Flag($"{HostedImageStoreOptions.SectionName}:Enabled", true))
        {
            options.ImageCache = Flag($"{HostedImageStoreOptions.SectionName}:ImageCache:Enabled", false);
        }
    }

    private bool Flag(string key, bool fallback) => bool.TryParse(configuration[key], out var value) ? value : fallback;
}
