namespace Glance.ImageStore.Cache;

/// <summary>Registration of the image cache feature (on or off: the API answers either way, as Glance's does).</summary>
internal static class ImageCacheExtensions
{
    public static IServiceCollection AddImageCache(this IServiceCollection services)
    {
        services.AddSingleton<CachedImageRepository>();
        services.AddSingleton<ImageCache>();
        services.AddSingleton<CachedDownloads>();
        services.AddSingleton<CachePrefetcher>();
        services.AddHostedService(sp => sp.GetRequiredService<CachePrefetcher>());
        services.AddSingleton<CacheEndpoints>();
        return services;
    }

    /// <summary>After Glance's router: a deleted image leaves the cache.</summary>
    public static IApplicationBuilder UseImageCache(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<ImageCache>().Enabled ? app.UseMiddleware<ImageCacheEvictionMiddleware>() : app;

    public static IEndpointRouteBuilder MapImageCache(this IEndpointRouteBuilder endpoints)
    {
        var handlers = endpoints.ServiceProvider.GetRequiredService<CacheEndpoints>();
        endpoints.Map("/v2/cache", handlers.CacheAsync).WithDisplayName("image cache");
        endpoints.Map("/v2/cache/{imageId}", handlers.CacheEntryAsync).WithDisplayName("image cache entry");
        return endpoints;
    }
}
