using Glance.Gateway.Tests.Support;

namespace Glance.Gateway.Tests.Routing;

/// <summary>
/// With the store hosted, the gateway's versions document and version negotiation follow the
/// store's <c>ImageStore:ImageCache:Enabled</c> (Glance with and without <c>image_cache_dir</c>),
/// whatever <c>Routing:ImageCache</c> says; the cache API is forwarded to the store.
/// </summary>
public sealed class HostedStoreCacheVersionsTests
{
    [Fact]
    public async Task CacheOn_VersionsListV216AndTheCacheApiAnswersThroughTheGateway()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["ImageStore:ImageCache:Enabled"] = "true",
            ["Routing:ImageCache"] = "false",
        });

        var document = await gateway.Client.GetStringAsync(new Uri("/versions", UriKind.Relative));
        using var listing = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2.16/cache", "dev-admin"));
        using var refused = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/cache", "dev-owner"));

        Assert.StartsWith("{\"versions\": [{\"id\": \"v2.16\", \"status\": \"CURRENT\"", document, StringComparison.Ordinal);
        Assert.Contains("{\"id\": \"v2.14\", \"status\": \"SUPPORTED\"", document, StringComparison.Ordinal);
        Assert.Equal(200, (int)listing.StatusCode);
        Assert.Equal("{\"cached_images\": [], \"queued_images\": []}", await listing.Content.ReadAsStringAsync());
        Assert.Equal(403, (int)refused.StatusCode);
    }

    [Fact]
    public async Task CacheOff_RoutingImageCacheTrue_IsNotUsed()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Routing:ImageCache"] = "true",
        });

        var document = await gateway.Client.GetStringAsync(new Uri("/versions", UriKind.Relative));
        using var v216 = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2.16/images", "dev-admin"));

        Assert.StartsWith("{\"versions\": [{\"id\": \"v2.15\", \"status\": \"CURRENT\"", document, StringComparison.Ordinal);
        Assert.DoesNotContain("v2.16", document, StringComparison.Ordinal);
        Assert.Equal(300, (int)v216.StatusCode);
    }
}
