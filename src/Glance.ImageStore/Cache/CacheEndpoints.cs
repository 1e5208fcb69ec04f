using System.Text.Json;
using Glance.ImageStore.Identity;
using Glance.ImageStore.Images;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;

namespace Glance.ImageStore.Cache;

/// <summary>
/// Glance 25's cache management API (glance/api/v2/cached_images.py, routes in router.py):
/// <c>GET /v2/cache</c>, <c>DELETE /v2/cache</c>, <c>PUT|DELETE /v2/cache/{image_id}</c>, in the
/// controller's order: the image first where there is one (404 <c>Image X not found.</c>), then
/// the rule (<see cref="CachePolicy"/>: 403 naming it), then, with the cache off, 404
/// <c>Caching via API is not supported at this site.</c>
/// </summary>
internal sealed partial class CacheEndpoints(ImageCache cache, CachePrefetcher prefetcher, ImagesEndpoints imageLookup, ILogger<CacheEndpoints> logger)
{
    /// <summary>The header naming what <c>DELETE /v2/cache</c> clears.</summary>
    public const string ClearTargetHeader = "x-image-cache-clear-target";

    /// <summary><c>clear_cache</c>'s 400.</summary>
    public const string BadClearTarget = "If provided 'x-image-cache-clear-target' must be 'cache', 'queue' or empty string.";

    /// <summary><c>queue_image_from_api</c>'s 400.</summary>
    public const string NotActive = "Only images with status active can be targeted for queueing";

    // webob's default for the 202 and 204 of this controller: its serializer sets only the status.
    private const string WebobContentType = "text/html; charset=UTF-8";

    public Task CacheAsync(HttpContext context) => Resource.Method(context) switch
    {
        "GET" => GetCacheStateAsync(context),
        "DELETE" => ClearCacheAsync(context),
        _ => Resource.MethodNotAllowedAsync(context, "GET, DELETE"),
    };

    public Task CacheEntryAsync(HttpContext context)
    {
        var imageId = Resource.Id(context, "image_id");
        return Resource.Method(context) switch
        {
            "PUT" => QueueImageAsync(context, imageId),
            "DELETE" => DeleteCacheEntryAsync(context, imageId),
            _ => Resource.MethodNotAllowedAsync(context, "DELETE, PUT"),
        };
    }

    /// <summary>Glance's 404 of the per-image calls.</summary>
    public static string NotFound(string imageId) => ServiceOperations.CacheNotFound(imageId);

    // get_cache_state: cache_list, then {"cached_images": [...], "queued_images": [...]}.
    private async Task GetCacheStateAsync(HttpContext context)
    {
        var caller = context.GetCaller().Caller;
        if (await RefusedAsync(context, CachePolicy.Enforce(ServiceOperations.GetCacheState(new EdgeInput(caller, string.Empty, null)), cache.Enabled), "list", null))
        {
            return;
        }

        var cached = await cache.GetCachedImagesAsync(context.RequestAborted);
        var queued = cache.GetQueuedImages();
        await JsonResponse.WriteAsync(context, 200, writer => Write(writer, cached, queued));
    }

    // clear_cache: cache_delete, then the target header (lower-cased): '' both, 'cache', 'queue'.
    private async Task ClearCacheAsync(HttpContext context)
    {
        var caller = context.GetCaller().Caller;
        if (await RefusedAsync(context, CachePolicy.Enforce(ServiceOperations.ClearCache(new EdgeInput(caller, string.Empty, null)), cache.Enabled), "clear", null))
        {
            return;
        }

        var target = context.Request.Headers[ClearTargetHeader].ToString().ToLowerInvariant();
        switch (target)
        {
            case "":
                await cache.DeleteAllCachedImagesAsync(context.RequestAborted);
                cache.DeleteAllQueuedImages();
                break;
            case "cache":
                await cache.DeleteAllCachedImagesAsync(context.RequestAborted);
                break;
            case "queue":
                cache.DeleteAllQueuedImages();
                break;
            default:
                await GlanceErrorWriter.WriteAsync(context, 400, BadClearTarget);
                return;
        }

        Log.Cleared(logger, context.TraceIdentifier, target.Length == 0 ? "cache and queue" : target);
        Empty(context, 204);
    }

    // queue_image_from_api: image_repo.get (404), cache_image, active only (400), queue, then the
    // worker fetches it (202).
    private async Task QueueImageAsync(HttpContext context, string imageId)
    {
        var caller = context.GetCaller().Caller;
        var (found, input) = await imageLookup.LookupAsync(context, imageId, caller);
        if (await RefusedAsync(context, CachePolicy.Enforce(ServiceOperations.QueueImage(input), cache.Enabled), "queue", imageId))
        {
            return;
        }

        var image = found!;

        if (image.Status != ImageStatus.Active)
        {
            await GlanceErrorWriter.WriteAsync(context, 400, NotActive);
            return;
        }

        cache.QueueImage(image.Id);
        prefetcher.Submit(image.Id);
        Log.Queued(logger, context.TraceIdentifier, image.Id);
        Empty(context, 202);
    }

    // delete_cache_entry: image_repo.get; an image not found is still removed when it is in the
    // cache or the queue (target {}), else 404; cache_delete; then out of the cache and the queue.
    private async Task DeleteCacheEntryAsync(HttpContext context, string imageId)
    {
        var caller = context.GetCaller().Caller;
        var (_, input) = await imageLookup.LookupAsync(context, imageId, caller);
        var inCache = false;
        if (input.VisibleImage is null)
        {
            if (!cache.Enabled)
            {
                // Glance 25 asks the cache it does not have (image_exists_in_cache on None): its
                // AttributeError is a 500. Observed with the cache off, for any caller.
                await GlanceErrorWriter.WriteAsync(context, 500, GlanceErrorWriter.InternalError);
                return;
            }

            inCache = await ExistsInCacheAsync(imageId, context.RequestAborted);
        }

        if (await RefusedAsync(context, CachePolicy.Enforce(ServiceOperations.DeleteCacheEntry(input, inCache), cache.Enabled), "delete", imageId))
        {
            return;
        }

        await cache.DeleteCachedImageAsync(imageId, context.RequestAborted);
        cache.DeleteQueuedImage(imageId);
        Log.Deleted(logger, context.TraceIdentifier, imageId);
        Empty(context, 204);
    }

    // image_exists_in_cache: in the queue, or a row of the bookkeeping.
    private async Task<bool> ExistsInCacheAsync(string imageId, CancellationToken cancellationToken)
    {
        if (cache.GetQueuedImages().Contains(imageId, StringComparer.Ordinal))
        {
            return true;
        }

        var cached = await cache.GetCachedImagesAsync(cancellationToken);
        return cached.Any(c => string.Equals(c.ImageId, imageId, StringComparison.Ordinal));
    }

    private async Task<bool> RefusedAsync(HttpContext context, Refusal? refusal, string action, string? imageId)
    {
        if (refusal is null)
        {
            return false;
        }

        Log.Refused(logger, context.TraceIdentifier, action, imageId ?? "-", refusal.StatusCode);
        await refusal.WriteAsync(context);
        return true;
    }

    private static void Empty(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = WebobContentType;
        context.Response.ContentLength = 0;
    }

    /// <summary>The listing in Glance's key order (the sqlite driver's columns).</summary>
    internal static void Write(Utf8JsonWriter writer, IReadOnlyList<CachedImage> cached, IReadOnlyList<string> queued)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("cached_images");
        foreach (var image in cached)
        {
            writer.WriteStartObject();
            writer.WriteString("image_id", image.ImageId);
            writer.WriteNumber("hits", image.Hits);
            writer.WritePropertyName("last_accessed");
            writer.WriteRawValue(PythonFloat.Repr(image.LastAccessed), skipInputValidation: true);
            writer.WritePropertyName("last_modified");
            writer.WriteRawValue(PythonFloat.Repr(image.LastModified), skipInputValidation: true);
            writer.WriteNumber("size", image.Size);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("queued_images");
        foreach (var id in queued)
        {
            writer.WriteStringValue(id);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 17101, Level = LogLevel.Information, Message = "Image cache: {ImageId} queued {RequestId}")]
        public static partial void Queued(ILogger logger, string requestId, string imageId);

        [LoggerMessage(EventId = 17102, Level = LogLevel.Information, Message = "Image cache: {ImageId} removed from the cache and the queue {RequestId}")]
        public static partial void Deleted(ILogger logger, string requestId, string imageId);

        [LoggerMessage(EventId = 17103, Level = LogLevel.Information, Message = "Image cache: {Target} cleared {RequestId}")]
        public static partial void Cleared(ILogger logger, string requestId, string target);

        [LoggerMessage(EventId = 17104, Level = LogLevel.Information, Message = "Image cache {Action} refused {RequestId} {ImageId}: {Status}")]
        public static partial void Refused(ILogger logger, string requestId, string action, string imageId, int status);
    }
}
