namespace Glance.ImageStore.Cache;

/// <summary>
/// The cache filter's <c>_process_DELETE_response</c>: once <c>DELETE /v2/images/{image_id}</c>
/// succeeded, the image's cached data goes too (its queue entry stays, as in Glance; the
/// prefetcher then finds no image and leaves it).
/// </summary>
internal sealed class ImageCacheEvictionMiddleware(RequestDelegate next, ImageCache cache)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Response.StatusCode is >= 200 and < 300
            && context.Features.Get<Glance.Policy.Routing.GlanceRouting>() is { Operation: { Controller: "images", Action: "delete" } } routing
            && routing.Values.TryGetValue("image_id", out var imageId)
            && cache.IsCached(imageId))
        {
            await cache.DeleteCachedImageAsync(imageId, CancellationToken.None);
        }
    }
}
