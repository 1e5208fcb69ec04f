using System.Globalization;
using System.Text.Json;
using Glance.ImageStore.Identity;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Glance.ImageStore.Images;

/// <summary>
/// <c>/v2/images</c>, <c>/v2/images/{image_id}</c> and the deactivate/reactivate actions, with
/// Glance's shapes and messages (images.py, image_actions.py; legacy policy).
/// </summary>
internal sealed partial class ImagesEndpoints(ImageRepository images, StoreDatabase database, TimeProvider time, IOptions<ImageStoreOptions> options, ILogger<ImagesEndpoints> logger)
{
    private const int DefaultLimit = 25;
    private const int MaxLimit = 1000;
    private readonly long _maxJsonBytes = options.Value.MaxJsonBodyBytes;

    public Task CollectionAsync(HttpContext context) => context.Request.Method switch
    {
        "GET" or "HEAD" => ListAsync(context),
        "POST" => CreateAsync(context),
        _ => Resource.MethodNotAllowedAsync(context, "GET, POST"),
    };

    public Task ImageAsync(HttpContext context)
    {
        var imageId = Resource.Id(context, "imageId", 2);
        return context.Request.Method switch
        {
            "GET" or "HEAD" => ShowAsync(context, imageId),
            "PATCH" => UpdateAsync(context, imageId),
            "DELETE" => DeleteAsync(context, imageId),
            _ => Resource.MethodNotAllowedAsync(context, "GET, PATCH, DELETE"),
        };
    }

    public Task DeactivateAsync(HttpContext context) =>
        context.Request.Method == "POST" ? ChangeStatusAsync(context, "deactivate") : Resource.MethodNotAllowedAsync(context, "POST");

    public Task ReactivateAsync(HttpContext context) =>
        context.Request.Method == "POST" ? ChangeStatusAsync(context, "reactivate") : Resource.MethodNotAllowedAsync(context, "POST");

    /// <summary>The image if it exists, is not deleted and the caller may see it.</summary>
    public async Task<ImageRecord?> FindVisibleAsync(string imageId, Caller caller, CancellationToken cancellationToken)
    {
        var image = await images.FindAsync(imageId, caller.ProjectId, cancellationToken);
        return image is not null && ImageVisibility.IsVisible(image.ToFacts(), caller.IsAdmin, caller.ProjectId, image.CallerIsMember) ? image : null;
    }

    /// <summary>Glance's 404 for an image read or update.</summary>
    public static string NoImage(string imageId) => $"No image found with ID {imageId}";

    private async Task ShowAsync(HttpContext context, string imageId)
    {
        var image = await FindVisibleAsync(imageId, context.GetCaller().Caller, context.RequestAborted);
        if (image is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 404, NoImage(imageId));
            return;
        }

        await JsonResponse.WriteAsync(context, 200, writer => ImageJson.Write(writer, image));
    }

    private async Task CreateAsync(HttpContext context)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        var caller = context.GetCaller().Caller;
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            await GlanceErrorWriter.WriteAsync(context, 400, $"Provided object does not match schema 'image': {PyRepr.Of(root)} is not of type 'object'");
            return;
        }

        var refusal = ValidateCreate(root, caller);
        if (refusal is not null)
        {
            await GlanceErrorWriter.WriteAsync(context, refusal.StatusCode, refusal.Explanation);
            return;
        }

        var now = GlanceTime.Format(time.GetUtcNow());
        var image = new ImageRecord
        {
            Id = root.TryGetProperty("id", out var id) ? id.GetString()! : Guid.NewGuid().ToString("D"),
            Owner = caller.ProjectId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == "id")
            {
                continue;
            }

            var apply = ImagePatch.Apply(image, [new ImagePatch.Change("add", property.Name, property.Value)], caller);
            if (apply is not null)
            {
                await GlanceErrorWriter.WriteAsync(context, apply.StatusCode, apply.Explanation);
                return;
            }
        }

        if (!await images.InsertAsync(image, context.RequestAborted))
        {
            await GlanceErrorWriter.WriteAsync(context, 409, $"Image with identifier {image.Id} already exists!");
            return;
        }

        Log.Created(logger, context.TraceIdentifier, image.Id, image.Owner ?? "(none)", image.Visibility);
        context.Response.Headers.Location = "/v2/images/" + image.Id;
        await JsonResponse.WriteAsync(context, 201, writer => ImageJson.Write(writer, image));
    }

    private static ImagePatch.Refusal? ValidateCreate(JsonElement root, Caller caller)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (ImageSchemaRules.Disallowed.Contains(property.Name))
            {
                return new(403, $"Attribute '{property.Name}' is read-only.");
            }
        }

        foreach (var property in root.EnumerateObject())
        {
            if (ImageSchemaRules.Check(property.Name, property.Value) is { } invalid)
            {
                return new(400, invalid);
            }
        }

        foreach (var property in root.EnumerateObject())
        {
            if (ImageSchemaRules.Base.Contains(property.Name))
            {
                continue;
            }

            if (property.Name.EnumerateRunes().Count() > 255)
            {
                return new(400, "Custom property should not be greater than 255 characters.");
            }

            if (ImageSchemaRules.IsReserved(property.Name))
            {
                return new(403, $"Attribute '{property.Name}' is reserved.");
            }
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name != "id" && ImageSchemaRules.ReadOnly.Contains(property.Name))
            {
                return new(403, $"Attribute '{property.Name}' is read-only.");
            }

            if (property.Name == "locations")
            {
                return new(403, "It's not allowed to add locations if locations are invisible.");
            }
        }

        if (root.TryGetProperty("owner", out var owner) && !caller.IsAdmin
            && !(owner.ValueKind == JsonValueKind.String && owner.GetString() == caller.ProjectId))
        {
            return new(403, $"You are not permitted to create images owned by '{(owner.ValueKind == JsonValueKind.String ? owner.GetString() : "None")}'.");
        }

        if (root.TryGetProperty("visibility", out var visibility) && visibility.GetString() == ImageVisibility.Public && !caller.IsAdmin)
        {
            return new(403, "You are not authorized to complete publicize_image action.");
        }

        return null;
    }

    private async Task UpdateAsync(HttpContext context, string imageId)
    {
        var mediaType = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        if (mediaType is not (ImagePatch.MediaTypeV21 or ImagePatch.MediaTypeV20))
        {
            context.Response.Headers["Accept-Patch"] = ImagePatch.AcceptPatch;
            await GlanceErrorWriter.WriteAsync(context, 415, $"The request media type {context.Request.ContentType} is not supported by this server.");
            return;
        }

        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        var (changes, refusal) = ImagePatch.Parse(body.RootElement, draft4: mediaType == ImagePatch.MediaTypeV20);
        if (refusal is not null)
        {
            await GlanceErrorWriter.WriteAsync(context, refusal.StatusCode, refusal.Explanation);
            return;
        }

        var caller = context.GetCaller().Caller;
        var image = await FindVisibleAsync(imageId, caller, context.RequestAborted);
        if (image is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 404, NoImage(imageId));
            return;
        }

        if (!caller.IsAdmin && !IsOwner(caller, image) && changes!.Count > 0)
        {
            await GlanceErrorWriter.WriteAsync(context, 403, $"You are not permitted to modify '{changes[0].Path}' on this image.");
            return;
        }

        refusal = ImagePatch.Apply(image, changes!, caller);
        if (refusal is not null)
        {
            await GlanceErrorWriter.WriteAsync(context, refusal.StatusCode, refusal.Explanation);
            return;
        }

        image.UpdatedAt = GlanceTime.Format(time.GetUtcNow());
        if (!await images.UpdateAsync(image, context.RequestAborted))
        {
            await GlanceErrorWriter.WriteAsync(context, 404, NoImage(imageId));
            return;
        }

        await JsonResponse.WriteAsync(context, 200, writer => ImageJson.Write(writer, image));
    }

    private async Task DeleteAsync(HttpContext context, string imageId)
    {
        if (await Resource.RejectBodyAsync(context))
        {
            return;
        }

        var caller = context.GetCaller().Caller;
        var image = await FindVisibleAsync(imageId, caller, context.RequestAborted);
        if (image is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 404, $"Failed to find image {imageId} to delete");
            return;
        }

        if (!caller.IsAdmin && !IsOwner(caller, image))
        {
            await GlanceErrorWriter.WriteAsync(context, 403, "You are not permitted to delete this image.");
            return;
        }

        if (image.Protected)
        {
            await GlanceErrorWriter.WriteAsync(context, 403, $"Image {image.Id} is protected and cannot be deleted.");
            return;
        }

        if (!await images.SoftDeleteAsync(image.Id, GlanceTime.Format(time.GetUtcNow()), context.RequestAborted))
        {
            await GlanceErrorWriter.WriteAsync(context, 404, $"Failed to find image {imageId} to delete");
            return;
        }

        File.Delete(Path.Combine(database.ImagesPath, image.Id));
        Log.Deleted(logger, context.TraceIdentifier, image.Id);
        await Resource.NoContentAsync(context);
    }

    private async Task ChangeStatusAsync(HttpContext context, string action)
    {
        var imageId = Resource.Id(context, "imageId", 2);
        var caller = context.GetCaller().Caller;
        var image = await FindVisibleAsync(imageId, caller, context.RequestAborted);
        if (image is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 404, NoImage(imageId));
            return;
        }

        if (!caller.IsAdmin && !IsOwner(caller, image))
        {
            await GlanceErrorWriter.WriteAsync(context, 403, $"You are not authorized to complete {action} action.");
            return;
        }

        var target = action == "deactivate" ? ImageStatus.Deactivated : ImageStatus.Active;
        if (!await images.TransitionAsync(image.Id, [ImageStatus.Active, ImageStatus.Deactivated], target, GlanceTime.Format(time.GetUtcNow()), context.RequestAborted))
        {
            await GlanceErrorWriter.WriteAsync(context, 403, $"Not allowed to {action} image in status '{image.Status}'");
            return;
        }

        await Resource.NoContentAsync(context);
    }

    private async Task ListAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitText))
        {
            if (!int.TryParse(limitText.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
            {
                await GlanceErrorWriter.WriteAsync(context, 400, "limit param must be an integer");
                return;
            }

            if (limit < 0)
            {
                await GlanceErrorWriter.WriteAsync(context, 400, "limit param must be positive");
                return;
            }

            limit = Math.Min(limit, MaxLimit);
        }

        var visibility = Single(query, "visibility");
        if (visibility is not null && visibility is not ("community" or "public" or "private" or "shared" or "all"))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, $"Invalid visibility value: {visibility}");
            return;
        }

        var memberStatus = Single(query, "member_status") ?? "accepted";
        if (memberStatus is not ("pending" or "accepted" or "rejected" or "all"))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, $"Invalid status: {memberStatus}");
            return;
        }

        var hidden = Single(query, "os_hidden");
        if (hidden is not null && !bool.TryParse(hidden, out _))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, $"Invalid value '{hidden}' for 'os_hidden' filter. Valid values are 'true' or 'false'.");
            return;
        }

        var marker = Single(query, "marker");
        var caller = context.GetCaller().Caller;
        var listQuery = new ImageListQuery(visibility, memberStatus, Single(query, "owner"), Single(query, "name"), Single(query, "status"),
            hidden is not null && bool.Parse(hidden), marker, limit);
        var page = await images.ListAsync(listQuery, caller, context.RequestAborted);
        if (page is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 400, NoImage(marker!));
            return;
        }

        var rest = string.Join('&', query.Where(p => p.Key != "marker").SelectMany(p => p.Value.Select(v => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(v ?? string.Empty))));
        await JsonResponse.WriteAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("images");
            foreach (var image in page)
            {
                ImageJson.Write(writer, image);
            }

            writer.WriteEndArray();
            writer.WriteString("first", rest.Length == 0 ? "/v2/images" : "/v2/images?" + rest);
            writer.WriteString("schema", "/v2/schemas/images");
            if (page.Count > 0 && page.Count == limit)
            {
                var next = "marker=" + Uri.EscapeDataString(page[^1].Id);
                writer.WriteString("next", "/v2/images?" + (rest.Length == 0 ? next : rest + "&" + next));
            }

            writer.WriteEndObject();
        });
    }

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    private static bool IsOwner(Caller caller, ImageRecord image) =>
        image.Owner is not null && string.Equals(caller.ProjectId, image.Owner, StringComparison.Ordinal);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Image created {RequestId} {ImageId} owner {Owner} visibility {Visibility}")]
        public static partial void Created(ILogger logger, string requestId, string imageId, string owner, string visibility);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Image deleted {RequestId} {ImageId}")]
        public static partial void Deleted(ILogger logger, string requestId, string imageId);
    }
}
