using Glance.ImageStore.Identity;
using Glance.ImageStore.Images;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Import;

/// <summary>
/// <c>PUT /v2/images/{image_id}/stage</c> (glance-direct's first half, Glance's
/// <c>ImageDataController.stage</c>): the data goes to the staging area, the image from
/// <c>queued</c> to <c>uploading</c> with the staged size, nothing else is computed yet. A
/// failure puts the image back to <c>queued</c> and removes what was written.
/// </summary>
internal sealed partial class StageEndpoints(
    ImagesEndpoints imageLookup, ImageImportRepository images, ImportStaging staging, TimeProvider time,
    IOptions<ImageStoreOptions> options, ILogger<StageEndpoints> logger)
{
    private readonly long _maxImageBytes = options.Value.MaxImageBytes;
    private readonly bool _enabled = options.Value.Import.MethodList().Contains("glance-direct");

    public Task StageAsync(HttpContext context) =>
        Resource.Method(context) == "PUT" ? PutAsync(context, Resource.Id(context, "image_id")) : Resource.MethodNotAllowedAsync(context, "PUT");

    private async Task PutAsync(HttpContext context, string imageId)
    {
        // The request deserializer (the method must be enabled, the body octets), then stage:
        // image_repo.get and modify_image (no policy of its own), as the edge decides it; then the
        // status change.
        var caller = context.GetCaller().Caller;
        var (found, input) = await imageLookup.LookupAsync(context, imageId, caller);
        var refusal = ImportOperations.Stage(input, _enabled);
        if (refusal is not null)
        {
            Log.Refused(logger, context.TraceIdentifier, imageId, refusal.StatusCode);
            await refusal.WriteAsync(context);
            return;
        }

        var image = found!;
        string? from = null;
        var (claimed, saved) = await images.MutateAsync(image.Id, candidate =>
        {
            from = candidate.Status;
            if (candidate.Status != ImageStatus.Queued)
            {
                return false;
            }

            candidate.Status = ImageStatus.Uploading;
            return true;
        }, Now(), context.RequestAborted);
        if (claimed is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 404, ImagesEndpoints.NoImage(imageId));
            return;
        }

        if (!saved)
        {
            await GlanceErrorWriter.WriteAsync(context, 409, $"Image status transition from {from} to uploading is not allowed");
            return;
        }

        var finalPath = staging.PathOf(image.Id);
        var tempPath = staging.TemporaryPathOf(image.Id);
        var staged = false;
        try
        {
            if (File.Exists(finalPath))
            {
                // glance_store's Duplicate; Glance's handler then restores the image to queued.
                await GlanceErrorWriter.WriteAsync(context, 409, $"The image {image.Id} has data on staging");
                return;
            }

            var copy = await ImageDataCopy.CopyAsync(context.Request.Body, tempPath, _maxImageBytes, null, context.RequestAborted);
            if (copy.TooLarge)
            {
                await GlanceErrorWriter.WriteAsync(context, 413, "The incoming image is too large: The provided image is too large.");
                return;
            }

            File.Move(tempPath, finalPath, overwrite: false);
            var (done, _) = await images.MutateAsync(image.Id, candidate =>
            {
                if (candidate.Status != ImageStatus.Uploading)
                {
                    return false;
                }

                candidate.Size = copy.Size;
                return true;
            }, Now(), CancellationToken.None);
            if (done is null)
            {
                staging.Delete(image.Id);
                await GlanceErrorWriter.WriteAsync(context, 404, ImagesEndpoints.NoImage(imageId));
                staged = true;
                return;
            }

            staged = true;
            Log.Staged(logger, context.TraceIdentifier, image.Id, copy.Size);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            context.Response.ContentType = GlanceErrorBody.HtmlContentType;
            context.Response.ContentLength = 0;
        }
        finally
        {
            File.Delete(tempPath);
            if (!staged)
            {
                // _restore / _unstage: back to queued (Glance's queued clears the size too).
                await images.MutateAsync(image.Id, candidate =>
                {
                    if (candidate.Status != ImageStatus.Uploading)
                    {
                        return false;
                    }

                    candidate.Status = ImageStatus.Queued;
                    candidate.Size = null;
                    candidate.VirtualSize = null;
                    return true;
                }, Now(), CancellationToken.None);
            }
        }
    }

    private string Now() => GlanceTime.Format(time.GetUtcNow());

    private static partial class Log
    {
        [LoggerMessage(EventId = 19001, Level = LogLevel.Information, Message = "Image data staged {RequestId} {ImageId}: {Size} bytes")]
        public static partial void Staged(ILogger logger, string requestId, string imageId, long size);

        [LoggerMessage(EventId = 19002, Level = LogLevel.Information, Message = "Image stage refused {RequestId} {ImageId}: {Status}")]
        public static partial void Refused(ILogger logger, string requestId, string imageId, int status);
    }
}
