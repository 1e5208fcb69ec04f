using Glance.ImageStore.Identity;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;

namespace Glance.ImageStore.Images;

/// <summary>
/// <c>PUT|DELETE /v2/images/{image_id}/tags/{tag_value}</c>, as glance/api/v2/image_tags.py:
/// the request deserializer's schema check of the tag (PUT), the image (404 <c>Image X not
/// found.</c>), <c>modify_image</c> (legacy: and <c>check_is_image_mutable</c>, whose refusal the
/// controller re-words), then the change: a tag added once (the set grows past
/// <see cref="TagQuota"/>: 413), a tag removed (not there: webob's bare 404), saved with a new
/// <c>updated_at</c>; 204.
/// </summary>
internal sealed partial class ImageTagsEndpoints(ImagesEndpoints imageLookup, ImageRepository images, TimeProvider time, ILogger<ImageTagsEndpoints> logger)
{
    /// <summary>Glance's <c>image_tag_quota</c> default.</summary>
    public const int TagQuota = 128;

    public Task TagAsync(HttpContext context)
    {
        var imageId = Resource.Id(context, "image_id");
        var tag = Resource.Id(context, "tag_value");
        return Resource.Method(context) switch
        {
            "PUT" => ChangeAsync(context, imageId, tag, add: true),
            "DELETE" => ChangeAsync(context, imageId, tag, add: false),
            _ => Resource.MethodNotAllowedAsync(context, "PUT, DELETE"),
        };
    }

    private async Task ChangeAsync(HttpContext context, string imageId, string tag, bool add)
    {
        // RequestDeserializer.update's schema check of {"tags": [tag]}, then ImageTagsController:
        // image_repo.get, modify_image (legacy: check_is_image_mutable, re-worded).
        var caller = context.GetCaller().Caller;
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["tag_value"] = tag };
        for (var attempt = 0; ; attempt++)
        {
            var (found, input) = await imageLookup.LookupAsync(context, imageId, caller);
            if (ImageOperations.ChangeTag(input with { Values = values }, add) is { } refusal)
            {
                if (refusal.StatusCode != 400)
                {
                    Log.Refused(logger, context.TraceIdentifier, add ? "add" : "delete", imageId, refusal.StatusCode, refusal.Explanation);
                }

                await refusal.WriteAsync(context);
                return;
            }

            var image = found!;

            var tags = new List<string>(image.Tags);
            if (add)
            {
                if (!tags.Contains(tag, StringComparer.Ordinal))
                {
                    tags.Add(tag);
                }

                if (tags.Count > TagQuota)
                {
                    await GlanceErrorWriter.WriteAsync(context, 413, $"Image tag limit exceeded for image {imageId}: The limit has been exceeded "
                        + $"on the number of allowed image tags. Attempted: {tags.Count}, Maximum: {TagQuota}:");
                    return;
                }
            }
            else if (!tags.Remove(tag))
            {
                await GlanceErrorWriter.WriteAsync(context, 404, GlanceErrorWriter.ResourceNotFound);
                return;
            }

            var written = await images.ReplaceTagsAsync(image.Id, image.Tags, tags, GlanceTime.Format(time.GetUtcNow()), context.RequestAborted);
            if (written == true)
            {
                await Resource.NoContentAsync(context);
                return;
            }

            // Deleted meanwhile: as if it had not been found; changed meanwhile: read it again.
            if (written is null || attempt >= 10)
            {
                await GlanceErrorWriter.WriteAsync(context, written is null ? 404 : 409, written is null
                    ? $"Image {imageId} not found."
                    : "There was a conflict when trying to complete your request.");
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 12101, Level = LogLevel.Information, Message = "Image tag {Action} refused {RequestId} {ImageId}: {Status} {Explanation}")]
        public static partial void Refused(ILogger logger, string requestId, string action, string imageId, int status, string explanation);
    }
}
