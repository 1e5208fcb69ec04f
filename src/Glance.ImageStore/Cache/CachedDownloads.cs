using System.Buffers;
using Glance.ImageStore.Images;

namespace Glance.ImageStore.Cache;

/// <summary>
/// Glance's cache filter (glance/api/middleware/cache.py, in the <c>keystone+caching</c> flavor) on
/// <c>GET /v2/images/{image_id}/file</c>, called by the image data endpoint once the image is found
/// and <c>download_image</c> allowed it (the filter makes the same lookup and check first):
/// <list type="bullet">
/// <item>a cached image that is not deactivated is read from the cache (Content-Type, Content-MD5,
/// Content-Length as the controller sets them) and the read, once whole, counts a hit;</item>
/// <item>otherwise the data is sent as the controller sends it and tee'd into the cache; webob drops
/// the Content-Length when the filter replaces the response's iterator, so Glance sends every such
/// download chunked, cached on the way or not (observed on Glance 25.1), and so does the store.</item>
/// </list>
/// Requests with <c>Range</c> or <c>Content-Range</c> are left alone (Glance: never from or into the cache).
/// </summary>
internal sealed partial class CachedDownloads(ImageCache cache, ILogger<CachedDownloads> logger)
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>True when the cache takes part in this download.</summary>
    public bool Applies(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        return cache.Enabled && HttpMethods.IsGet(request.Method)
            && !request.Headers.ContainsKey("Range") && !request.Headers.ContainsKey("Content-Range");
    }

    /// <summary>Serves the image from the cache when it is there; false when the caller must send it from the store.</summary>
    public async Task<bool> TryServeCachedAsync(HttpContext context, ImageRecord image)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(image);
        if (image.Status == ImageStatus.Deactivated || cache.CachedFile(image.Id) is not { } path)
        {
            return false;
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        await using (file)
        {
            var response = context.Response;
            response.StatusCode = 200;
            response.ContentType = "application/octet-stream";
            if (image.Checksum is not null)
            {
                response.Headers["Content-MD5"] = image.Checksum;
            }

            // _verify_metadata: an image without a size is sent with the cached file's.
            response.ContentLength = image.Size is > 0 ? image.Size : file.Length;
            await file.CopyToAsync(response.Body, ChunkBytes, context.RequestAborted);
        }

        Log.Hit(logger, context.TraceIdentifier, image.Id);
        await cache.RecordHitAsync(image.Id, CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Sends <paramref name="path"/> (the store's data of <paramref name="image"/>) without a
    /// Content-Length, writing it into the cache on the way when no one else is. A cache write that
    /// fails is dropped and the download goes on (<c>cache_tee_iter</c>); a client that stops
    /// reading leaves nothing in the cache.
    /// </summary>
    public async Task SendAndCacheAsync(HttpContext context, ImageRecord image, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(image);
        var response = context.Response;
        response.ContentLength = null;
        var write = cache.TryBeginWrite(image.Id, image.Checksum);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            int read;
            while ((read = await file.ReadAsync(buffer.AsMemory(0, ChunkBytes), context.RequestAborted)) > 0)
            {
                if (write is not null)
                {
                    try
                    {
                        await write.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                    }
                    catch (IOException exception)
                    {
                        await write.AbortAsync(exception.Message);
                        write = null;
                    }
                }

                await response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            }

            if (write is not null)
            {
                await write.CompleteAsync(CancellationToken.None);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (write is not null)
            {
                await write.DisposeAsync();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 17301, Level = LogLevel.Debug, Message = "Image cache: hit for {ImageId} {RequestId}")]
        public static partial void Hit(ILogger logger, string requestId, string imageId);
    }
}
