using System.Globalization;
using System.Text.Json;
using Glance.ImageStore.Identity;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Images;

/// <summary>
/// <c>/v2/images</c>, <c>/v2/images/{image_id}</c> and the deactivate/reactivate actions, with
/// Glance's shapes and messages (images.py, image_actions.py). Each call first finds the image as
/// Glance's database does (visibility by <c>is_image_visible</c>), then asks <see cref="ImagePolicy"/>
/// what Glance's controller asks its <c>ImageAPIPolicy</c>, in the controller's order.
/// </summary>
internal sealed partial class ImagesEndpoints(ImageRepository images, IStoreDatabase database, TimeProvider time, IOptions<ImageStoreOptions> options, ILogger<ImagesEndpoints> logger)
{
    private readonly long _maxJsonBytes = options.Value.MaxJsonBodyBytes;
    private readonly string[] _importMethods = options.Value.Import.MethodList();

    public Task CollectionAsync(HttpContext context) => Resource.Method(context) switch
    {
        "GET" => ListAsync(context),
        "POST" => CreateAsync(context),
        _ => Resource.MethodNotAllowedAsync(context, "GET, POST"),
    };

    public Task ImageAsync(HttpContext context)
    {
        var imageId = Resource.Id(context, "image_id");
        return Resource.Method(context) switch
        {
            "GET" => ShowAsync(context, imageId),
            "PATCH" => UpdateAsync(context, imageId),
            "DELETE" => DeleteAsync(context, imageId),
            _ => Resource.MethodNotAllowedAsync(context, "GET, PATCH, DELETE"),
        };
    }

    public Task DeactivateAsync(HttpContext context) =>
        Resource.Method(context) == "POST" ? ChangeStatusAsync(context, "deactivate") : Resource.MethodNotAllowedAsync(context, "POST");

    public Task ReactivateAsync(HttpContext context) =>
        Resource.Method(context) == "POST" ? ChangeStatusAsync(context, "reactivate") : Resource.MethodNotAllowedAsync(context, "POST");

    /// <summary>The image if it exists, is not deleted and the caller may see it.</summary>
    public async Task<ImageRecord?> FindVisibleAsync(string imageId, Caller caller, CancellationToken cancellationToken)
    {
        var image = await images.FindAsync(imageId, caller.ProjectId, cancellationToken);
        return image is not null && ImageVisibility.IsVisible(image.ToFacts(), caller.IsAdmin, caller.ProjectId, image.CallerIsMember) ? image : null;
    }

    /// <summary>
    /// <c>image_repo.get</c> as the shared decisions read it: the stored image (visible or not;
    /// <see cref="EdgeInput.VisibleImage"/> decides) and the input of the operation's decision.
    /// </summary>
    public async Task<(ImageRecord? Image, EdgeInput Input)> LookupAsync(HttpContext context, string imageId, Caller caller)
    {
        var image = await images.FindAsync(imageId, caller.ProjectId, context.RequestAborted);
        var input = new EdgeInput(caller, imageId, null)
        {
            Image = image?.ToFacts(),
            Membership = new(image?.CallerIsMember == true, false),
            ContentType = context.Request.ContentType,
        };
        return (image, input);
    }

    /// <summary>Glance's 404 for an image read or update.</summary>
    public static string NoImage(string imageId) => ImageOperations.NoImage(imageId);

    // ImagesController.show: image_repo.get, then get_image.
    private async Task ShowAsync(HttpContext context, string imageId)
    {
        var (image, input) = await LookupAsync(context, imageId, context.GetCaller().Caller);
        if (ImageOperations.Show(input) is { } refusal)
        {
            await Refused(context, "show", imageId, refusal);
            return;
        }

        await JsonResponse.WriteAsync(context, 200, writer => ImageJson.Write(writer, image!));
    }

    private async Task CreateAsync(HttpContext context)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        // The request deserializer's checks, then ImagesController.create: the owner defaults to the
        // caller's project, add_image (with its visibility rule and, legacy, the owner check), as the
        // edge decides it; then the image factory's own checks.
        var caller = context.GetCaller().Caller;
        var root = body.RootElement;
        var refusal = CreateOperations.AddImage(new EdgeInput(caller, "(new)", null) { Body = root, ContentType = context.Request.ContentType });
        if (refusal is not null)
        {
            await Refused(context, "create", "(new)", refusal);
            return;
        }

        var (owner, _) = CreateOperations.OwnerAndVisibility(root, caller);
        refusal = CheckNewImage(root);
        if (refusal is not null)
        {
            await refusal.WriteAsync(context);
            return;
        }

        var now = GlanceTime.Format(time.GetUtcNow());
        var image = new ImageRecord
        {
            Id = root.TryGetProperty("id", out var id) ? id.GetString()! : Guid.NewGuid().ToString("D"),
            Owner = owner,
            CreatedAt = now,
            UpdatedAt = now,
        };
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == "id")
            {
                continue;
            }

            var apply = ImagePatchApply.Apply(image, new ImagePatch.Change("add", property.Name, property.Value));
            if (apply is not null)
            {
                await apply.WriteAsync(context);
                return;
            }
        }

        if (!await images.InsertAsync(image, context.RequestAborted))
        {
            await GlanceErrorWriter.WriteAsync(context, 409, $"Image with identifier {image.Id} already exists!");
            return;
        }

        Log.Created(logger, context.TraceIdentifier, image.Id, image.Owner ?? "(none)", image.Visibility);

        // Glance's image_create reads the new row back with the caller's visibility (_image_get):
        // an image the caller may not see (created for another owner, which only an operator's
        // policy lets a caller who is not admin do) stays created, and the caller gets a 403.
        if (!ImageVisibility.IsVisible(image.ToFacts(), caller.IsAdmin, caller.ProjectId, callerIsMember: false))
        {
            await GlanceErrorWriter.WriteAsync(context, 403, $"Forbidding request, image {image.Id} not visible");
            return;
        }

        context.Response.Headers.Location = AbsoluteLocation(context.Request, "/v2/images/" + image.Id);
        if (_importMethods.Length > 0)
        {
            // ResponseSerializer.create: the import methods offered, when there are any.
            context.Response.Headers["OpenStack-image-import-methods"] = string.Join(',', _importMethods);
        }

        await JsonResponse.WriteAsync(context, 201, writer => ImageJson.Write(writer, image));
    }

    // webob makes a relative Location absolute on the way out (Response._abs_headerlist): the
    // request's scheme and Host header (":80" dropped for http, ":443" for https), then the path.
    // Behind the gateway the Host is the client's (RequestHeaderOriginalHost), as Glance would see it.
    internal static string AbsoluteLocation(HttpRequest request, string path)
    {
        var origin = request.Scheme + "://" + request.Host.Value;
        if (request.Scheme == "http" && origin.EndsWith(":80", StringComparison.Ordinal))
        {
            origin = origin[..^3];
        }
        else if (request.Scheme == "https" && origin.EndsWith(":443", StringComparison.Ordinal))
        {
            origin = origin[..^4];
        }

        return origin + path;
    }

    // ImageFactory.new_image (read-only attributes) and the location proxy's factory: after the policy.
    private static Refusal? CheckNewImage(JsonElement root)
    {
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

        return null;
    }

    private async Task UpdateAsync(HttpContext context, string imageId)
    {
        // RequestDeserializer.update: the media type before the body is read.
        if (ImagePatchOperation.UnsupportedMediaType(context.Request.ContentType) is { } unsupported)
        {
            await unsupported.WriteAsync(context);
            return;
        }

        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        // The shared decision (the edge's): the patch, image_repo.get, then each change's checks
        // and rules on the image as the earlier changes leave it, up to where the edge stops.
        var caller = context.GetCaller().Caller;
        var (found, input) = await LookupAsync(context, imageId, caller);
        var refusal = ImagePatchOperation.Decide(input with { Body = body.RootElement });
        if (refusal is not null)
        {
            await RefusedUpdate(context, imageId, refusal);
            return;
        }

        // ImagesController.update: each change in order, its checks then its effect; the first
        // refusal answers and nothing is saved. The policy target is the image as the earlier
        // changes left it (Glance's ImageTarget reads the live image).
        var image = found!;
        var (changes, _) = ImagePatch.Parse(body.RootElement, ImagePatch.Draft4Of(context.Request.ContentType)!.Value);
        foreach (var change in changes!)
        {
            refusal = AuthorizeChange(caller, image, change) ?? ImagePatchApply.Apply(image, change);
            if (refusal is not null)
            {
                await RefusedUpdate(context, imageId, refusal);
                return;
            }
        }

        if (changes.Count > 0)
        {
            image.UpdatedAt = GlanceTime.Format(time.GetUtcNow());
            if (!await images.UpdateAsync(image, context.RequestAborted))
            {
                await GlanceErrorWriter.WriteAsync(context, 404, NoImage(imageId));
                return;
            }
        }

        await JsonResponse.WriteAsync(context, 200, writer => ImageJson.Write(writer, image));
    }

    // _do_add, _do_replace, _do_remove up to the point where they change the image: the shared
    // checks and rules, a draft-4 add of what the image has (409), then the store's own refusal of
    // "add /owner" by a caller who is not admin.
    private static Refusal? AuthorizeChange(Caller caller, ImageRecord image, ImagePatch.Change change)
    {
        var facts = image.ToFacts();
        var refusal = ImagePatchOperation.AuthorizeChange(caller, facts, change);
        if (refusal is not null)
        {
            return refusal;
        }

        refusal = ImagePatchOperation.AlreadyPresent(facts, change);
        if (refusal is not null)
        {
            return refusal;
        }

        // Glance lets "add /owner" through to the database, whose visibility check then refuses
        // the save (403 "Forbidding request, image ... not visible"); the store refuses it here,
        // with the replace's words, and changes nothing either way.
        return ImagePatchOperation.IsOwnerAddByNonAdmin(caller, facts, change)
            ? Refusal.WithDetail(403, ImagePatchOperation.OwnerNotAdmin)
            : null;
    }

    private Task RefusedUpdate(HttpContext context, string imageId, Refusal refusal)
    {
        if (refusal.StatusCode is 403 or 404)
        {
            Log.Refused(logger, context.TraceIdentifier, "update", imageId, refusal.StatusCode, refusal.Detail ?? refusal.Explanation);
        }

        return refusal.WriteAsync(context);
    }

    private async Task DeleteAsync(HttpContext context, string imageId)
    {
        if (await Resource.RejectBodyAsync(context))
        {
            return;
        }

        // ImagesController.delete: image_repo.get, delete_image (legacy: and check_is_image_mutable),
        // then the domain's protected check.
        var (found, input) = await LookupAsync(context, imageId, context.GetCaller().Caller);
        if (ImageOperations.Delete(input) is { } refusal)
        {
            await Refused(context, "delete", imageId, refusal);
            return;
        }

        var image = found!;

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

        // Glance's delete also removes data staged for glance-direct (DataPath/staging, Import/ImportStaging.cs).
        File.Delete(Path.Combine(Path.GetDirectoryName(database.ImagesPath)!, "staging", image.Id));
        Log.Deleted(logger, context.TraceIdentifier, image.Id);
        await Resource.NoContentAsync(context);
    }

    private async Task ChangeStatusAsync(HttpContext context, string action)
    {
        var imageId = Resource.Id(context, "image_id");

        // ImageActionsController: image_repo.get, deactivate/reactivate (legacy: and
        // check_is_image_mutable), then the domain's status check.
        var (found, input) = await LookupAsync(context, imageId, context.GetCaller().Caller);
        if ((action == "deactivate" ? ImageOperations.Deactivate(input) : ImageOperations.Reactivate(input)) is { } refusal)
        {
            await Refused(context, action, imageId, refusal);
            return;
        }

        var image = found!;

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
        // The deserializer's and the controller's checks, then get_images ("may you list at
        // all"), then the database's (its filters, the marker), then get_image for each image;
        // the next link follows the database's page, as in Glance.
        var parameters = QueryParameters(context.Request);
        var (query, refusal) = ImageListQuery.Parse(parameters);
        if (refusal is not null)
        {
            await refusal.WriteAsync(context);
            return;
        }

        var caller = context.GetCaller().Caller;
        refusal = ImagePolicy.GetImages(caller);
        if (refusal is not null)
        {
            await Refused(context, "list", "(all)", refusal);
            return;
        }

        if (query!.DatabaseRefusal is not null)
        {
            await query.DatabaseRefusal.WriteAsync(context);
            return;
        }

        var page = await images.ListAsync(query, caller, context.RequestAborted);
        switch (page.Marker)
        {
            case MarkerLookup.TooLong:
                await GlanceErrorWriter.WriteAsync(context, 400, "Image with the given id %(image_id)s was not found");
                return;
            case MarkerLookup.Missing:
                await GlanceErrorWriter.WriteAsync(context, 400, NoImage(query.Marker!));
                return;
            case MarkerLookup.NotVisible:
                await GlanceErrorWriter.WriteAsync(context, 403, $"Forbidding request, image {query.Marker} not visible");
                return;
        }

        var visible = page.Images.Where(image => ImagePolicy.For(caller, image.ToFacts()).MayGetImage()).ToList();

        // ResponseSerializer.index: urlencode(dict(request.params)) less the marker; the next
        // marker appended last.
        var links = PythonUrl.DictOf(parameters).Where(p => p.Key != "marker").ToList();
        var rest = PythonUrl.Encode(links);
        await JsonResponse.WriteAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("images");
            foreach (var image in visible)
            {
                ImageJson.Write(writer, image);
            }

            writer.WriteEndArray();
            writer.WriteString("first", rest.Length == 0 ? "/v2/images" : "/v2/images?" + rest);
            writer.WriteString("schema", "/v2/schemas/images");
            if (visible.Count > 0 && page.Images.Count == query.Limit)
            {
                links.Add(new("marker", visible[^1].Id));
                writer.WriteString("next", "/v2/images?" + PythonUrl.Encode(links));
            }

            writer.WriteEndObject();
        });
    }

    // webob's request.params of a GET: the query's pairs in order, decoded ('+' is a space).
    private static List<KeyValuePair<string, string>> QueryParameters(HttpRequest request)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var pair in new Microsoft.AspNetCore.WebUtilities.QueryStringEnumerable(request.QueryString.Value))
        {
            pairs.Add(new(pair.DecodeName().ToString(), pair.DecodeValue().ToString()));
        }

        return pairs;
    }

    private Task Refused(HttpContext context, string action, string imageId, Refusal refusal)
    {
        Log.Refused(logger, context.TraceIdentifier, action, imageId, refusal.StatusCode, refusal.Detail ?? refusal.Explanation);
        return refusal.WriteAsync(context);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 12001, Level = LogLevel.Information, Message = "Image created {RequestId} {ImageId} owner {Owner} visibility {Visibility}")]
        public static partial void Created(ILogger logger, string requestId, string imageId, string owner, string visibility);

        [LoggerMessage(EventId = 12002, Level = LogLevel.Information, Message = "Image deleted {RequestId} {ImageId}")]
        public static partial void Deleted(ILogger logger, string requestId, string imageId);

        [LoggerMessage(EventId = 12003, Level = LogLevel.Information, Message = "Image {Action} refused {RequestId} {ImageId}: {Status} {Explanation}")]
        public static partial void Refused(ILogger logger, string requestId, string action, string imageId, int status, string explanation);
    }
}
