using Glance.Policy.Errors;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's image operations up to and through their policy rules, as its controllers order
/// them (glance/api/v2/images.py, image_actions.py, image_data.py over <see cref="ImagePolicy"/>):
/// the request checks made before anything is read, <c>image_repo.get</c> (missing, deleted or not
/// visible: 404 with the controller's own words), the coded checks before the rule, then the rule.
/// Each returns the refusal Glance answers with, or null when the request goes on; what follows
/// the rule (a protected image's delete, a status transition, quotas, the data itself) is the
/// backend's. Pure: the store calls these where it decides, and the gateway's edge decision calls
/// the same functions over facts it read.
/// </summary>
public static class ImageOperations
{
    /// <summary><c>ImagesController.show</c>'s (and most image controllers') 404.</summary>
    public static string NoImage(string imageId) => $"No image found with ID {imageId}";

    /// <summary><c>ImagesController.delete</c>'s 404.</summary>
    public static string NotFoundToDelete(string imageId) => $"Failed to find image {imageId} to delete";

    /// <summary><c>ImageDataController.download</c>'s refusal of a deactivated image to a caller who is not admin.</summary>
    public const string DeactivatedDownload = "The requested image has been deactivated. Image data download is forbidden.";

    /// <summary>GET /v2/images: <c>get_images</c> on the target <c>{project_id}</c> (the per-image filter stays with the backend).</summary>
    public static Refusal? List(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ImagePolicy.GetImages(input.Caller);
    }

    /// <summary>GET /v2/images/{id}: the lookup, then <c>get_image</c>.</summary>
    public static Refusal? Show(EdgeInput input) =>
        Lookup(input) is { } image ? ImagePolicy.For(input.Caller, image).GetImage() : Missing(NoImage(input.ImageId));

    /// <summary>DELETE /v2/images/{id}: the lookup, then <c>delete_image</c> (legacy: and <c>check_is_image_mutable</c>); the protected check follows, the backend's.</summary>
    public static Refusal? Delete(EdgeInput input) =>
        Lookup(input) is { } image ? ImagePolicy.For(input.Caller, image).DeleteImage() : Missing(NotFoundToDelete(input.ImageId));

    /// <summary>POST …/actions/deactivate: the lookup, then <c>deactivate</c> (legacy: and <c>check_is_image_mutable</c>); the status check follows, the backend's.</summary>
    public static Refusal? Deactivate(EdgeInput input) =>
        Lookup(input) is { } image ? ImagePolicy.For(input.Caller, image).DeactivateImage() : Missing(NoImage(input.ImageId));

    /// <summary>POST …/actions/reactivate: as <see cref="Deactivate"/> with <c>reactivate</c>.</summary>
    public static Refusal? Reactivate(EdgeInput input) =>
        Lookup(input) is { } image ? ImagePolicy.For(input.Caller, image).ReactivateImage() : Missing(NoImage(input.ImageId));

    /// <summary>GET …/file: the lookup, the coded deactivated check (an admin passes), then <c>download_image</c>.</summary>
    public static Refusal? Download(EdgeInput input)
    {
        if (Lookup(input) is not { } image)
        {
            return Missing(NoImage(input.ImageId));
        }

        if (image.Status == "deactivated" && !input.Caller.IsAdmin)
        {
            return new(403, DeactivatedDownload, FromCodedCheck: true, Reason: "ImageDeactivated");
        }

        return ImagePolicy.For(input.Caller, image).DownloadImage();
    }

    /// <summary>
    /// PUT …/file: the deserializer's media type (anything but <c>application/octet-stream</c> is a
    /// 415), the lookup, then <c>upload_image</c>; the legacy <c>check_is_image_mutable</c> refusal
    /// is re-worded by the controller. Size, status and the data are the backend's.
    /// </summary>
    public static Refusal? Upload(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (UnsupportedOctetStream(input.ContentType) is { } unsupported)
        {
            return unsupported;
        }

        if (Lookup(input) is not { } image)
        {
            return Missing(NoImage(input.ImageId));
        }

        var refusal = ImagePolicy.For(input.Caller, image).UploadImage();
        return refusal is { FromCodedCheck: true }
            ? new(403, $"Not allowed to upload image data for image {input.ImageId}", FromCodedCheck: true, Reason: "NotImageOwner")
            : refusal;
    }

    /// <summary>
    /// PUT and DELETE …/tags/{tag}: (PUT) the image schema's length check of the tag, the lookup
    /// (404 <c>Image {id} not found.</c>), then <c>modify_image</c>; the legacy
    /// <c>check_is_image_mutable</c> refusal is re-worded. The tag quota and a missing tag follow, the backend's.
    /// </summary>
    public static Refusal? ChangeTag(EdgeInput input, bool add)
    {
        ArgumentNullException.ThrowIfNull(input);
        var tag = input.Values.TryGetValue("tag_value", out var value) ? value : string.Empty;
        if (add && tag.EnumerateRunes().Count() > 255)
        {
            var repr = PyRepr.Of(tag);
            return new(400, $"Provided object does not match schema 'image': {repr} is too long\n\n"
                + "Failed validating 'maxLength' in schema['properties']['tags']['items']:\n    {'maxLength': 255, 'type': 'string'}\n\n"
                + $"On instance['tags'][0]:\n    {repr}", Reason: "SchemaViolation");
        }

        if (Lookup(input) is not { } image)
        {
            return Missing($"Image {input.ImageId} not found.");
        }

        var refusal = ImagePolicy.For(input.Caller, image).ModifyImage();
        return refusal is { FromCodedCheck: true }
            ? new(403, $"Not allowed to {(add ? "update" : "delete")} tags for image {input.ImageId}.", FromCodedCheck: true, Reason: "NotImageOwner")
            : refusal;
    }

    /// <summary>The 415 of a data upload whose <c>Content-Type</c> is set and is not <c>application/octet-stream</c>.</summary>
    public static Refusal? UnsupportedOctetStream(string? contentType) =>
        contentType is not null && !contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            ? new(415, GlanceErrorBody.UnsupportedMediaType(contentType), Reason: "UnsupportedMediaType")
            : null;

    /// <summary>The image Glance's <c>image_repo.get</c> returns to this caller, or null (its 404 is the caller's to word).</summary>
    public static Members.ImageFacts? Lookup(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.VisibleImage;
    }

    /// <summary>A lookup miss: 404 with the controller's words.</summary>
    public static Refusal Missing(string explanation) => new(404, explanation, Reason: "ImageNotFound");
}
