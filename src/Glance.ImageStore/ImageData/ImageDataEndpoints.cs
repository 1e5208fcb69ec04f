using System.Buffers;
using System.Security.Cryptography;
using Glance.ImageStore.Cache;
using Glance.ImageStore.Identity;
using Glance.ImageStore.Images;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Responses;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.ImageData;

/// <summary>
/// <c>PUT|GET /v2/images/{image_id}/file</c>: image data streamed between the request and a file
/// under <c>DataPath/images</c> in small chunks (never whole in memory), with md5 checksum,
/// sha512 <c>os_hash_value</c> and size computed on the way in; queued → saving → active.
/// </summary>
internal sealed partial class ImageDataEndpoints(ImagesEndpoints imageLookup, ImageRepository images, IStoreDatabase database, TimeProvider time, IOptions<ImageStoreOptions> options, CachedDownloads cache, ILogger<ImageDataEndpoints> logger)
{
    private const int ChunkBytes = 64 * 1024;
    private readonly long _maxImageBytes = options.Value.MaxImageBytes;

    public Task FileAsync(HttpContext context)
    {
        var imageId = Resource.Id(context, "image_id");
        return Resource.Method(context) switch
        {
            "GET" => DownloadAsync(context, imageId),
            "PUT" => UploadAsync(context, imageId),
            _ => Resource.MethodNotAllowedAsync(context, "GET, PUT"),
        };
    }

    private async Task UploadAsync(HttpContext context, string imageId)
    {
        // The deserializer's media type, ImageDataController.upload: image_repo.get, upload_image
        // (a policy refusal passes through as is; the legacy check_is_image_mutable is re-worded).
        var (found, input) = await imageLookup.LookupAsync(context, imageId, context.GetCaller().Caller);
        if (ImageOperations.Upload(input) is { } refusal)
        {
            Log.Refused(logger, context.TraceIdentifier, "upload", imageId, refusal.StatusCode);
            await refusal.WriteAsync(context);
            return;
        }

        var image = found!;

        if (context.Request.ContentLength > _maxImageBytes)
        {
            await GlanceErrorWriter.WriteAsync(context, 413, TooLarge());
            return;
        }

        // Claim the image: only one upload moves it from queued to saving.
        var now = GlanceTime.Format(time.GetUtcNow());
        if (!await images.TransitionAsync(image.Id, [ImageStatus.Queued], ImageStatus.Saving, now, context.RequestAborted))
        {
            await GlanceErrorWriter.WriteAsync(context, 409, $"Image status transition from {image.Status} to saving is not allowed");
            return;
        }

        var finalPath = Path.Combine(database.ImagesPath, image.Id);
        var tempPath = finalPath + "." + Guid.NewGuid().ToString("N") + ".part";
        var completed = false;
        try
        {
            var inspector = DiskFormatInspector.For(image.DiskFormat, image.ContainerFormat);
            var (size, checksum, hash, tooLarge) = await CopyToFileAsync(context, tempPath, inspector);
            if (tooLarge)
            {
                await GlanceErrorWriter.WriteAsync(context, 413, TooLarge());
                return;
            }

            File.Move(tempPath, finalPath, overwrite: true);
            if (!await images.CompleteUploadAsync(image.Id, size, inspector?.VirtualSize, checksum, hash, GlanceTime.Format(time.GetUtcNow()), CancellationToken.None))
            {
                File.Delete(finalPath);
                await GlanceErrorWriter.WriteAsync(context, 410, $"Image {image.Id} could not be found after upload. The image may have been deleted during the upload.");
                completed = true;
                return;
            }

            completed = true;
            Log.Uploaded(logger, context.TraceIdentifier, image.Id, size, checksum);
            await Resource.NoContentAsync(context);
        }
        finally
        {
            File.Delete(tempPath);
            if (!completed)
            {
                // The upload failed (too large, client gone, disk error): back to queued, data gone.
                await images.TransitionAsync(image.Id, [ImageStatus.Saving], ImageStatus.Queued, GlanceTime.Format(time.GetUtcNow()), CancellationToken.None);
            }
        }
    }

    private async Task<(long Size, string Checksum, string Hash, bool TooLarge)> CopyToFileAsync(HttpContext context, string path, DiskFormatInspector? inspector)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        long size = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            while (true)
            {
                var read = await context.Request.Body.ReadAsync(buffer.AsMemory(0, ChunkBytes), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                size += read;
                if (size > _maxImageBytes)
                {
                    return (size, string.Empty, string.Empty, true);
                }

                md5.AppendData(buffer, 0, read);
                sha512.AppendData(buffer, 0, read);
                inspector?.Eat(buffer.AsSpan(0, read));
                await file.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            }

            await file.FlushAsync(context.RequestAborted);
            file.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (size, Convert.ToHexStringLower(md5.GetHashAndReset()), Convert.ToHexStringLower(sha512.GetHashAndReset()), false);
    }

    private async Task DownloadAsync(HttpContext context, string imageId)
    {
        // ImageDataController.download: image_repo.get, the coded deactivated check, then download_image.
        var (found, input) = await imageLookup.LookupAsync(context, imageId, context.GetCaller().Caller);
        if (ImageOperations.Download(input) is { } refusal)
        {
            Log.Refused(logger, context.TraceIdentifier, "download", imageId, refusal.StatusCode);
            await refusal.WriteAsync(context);
            return;
        }

        var image = found!;

        // Glance's cache filter (with the image cache on): a cached image comes from the cache.
        var cached = cache.Applies(context);
        if (cached && await cache.TryServeCachedAsync(context, image))
        {
            return;
        }

        var path = Path.Combine(database.ImagesPath, image.Id);
        if (image.Size is null || !File.Exists(path))
        {
            // Glance answers 204 for an image without data (webob's HTTPNoContent: no Content-Type).
            await Resource.NoContentAsync(context, contentType: false);
            return;
        }

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/octet-stream";
        if (image.Checksum is not null)
        {
            response.Headers["Content-MD5"] = image.Checksum;
        }

        if (cached)
        {
            await cache.SendAndCacheAsync(context, image, path);
        }
        else if (ResponseBody.Declare(context, image.Size.Value))
        {
            await response.SendFileAsync(path, context.RequestAborted);
        }
    }

    private string TooLarge() => $"Image exceeds the storage quota: the image data is larger than the limit of {_maxImageBytes} bytes.";

    private static partial class Log
    {
        [LoggerMessage(EventId = 14001, Level = LogLevel.Information, Message = "Image data uploaded {RequestId} {ImageId}: {Size} bytes, md5 {Checksum}")]
        public static partial void Uploaded(ILogger logger, string requestId, string imageId, long size, string checksum);

        [LoggerMessage(EventId = 14002, Level = LogLevel.Information, Message = "Image data {Action} refused {RequestId} {ImageId}: {Status}")]
        public static partial void Refused(ILogger logger, string requestId, string action, string imageId, int status);
    }
}
