using System.Text.Json;
using Glance.Policy.Errors;
using Glance.Policy.Members;

namespace Glance.Policy.Operations;

/// <summary>
/// PATCH /v2/images/{id} (<c>images.update</c>) as Glance 25 orders it, up to what the edge can
/// know:
/// <list type="number">
/// <item>the deserializer: the media type (anything but the two JSON-patch types is a 415, before
/// the body is read, so a malformed body under a wrong type is still a 415), the body (400
/// malformed JSON), then <see cref="ImagePatch.Parse"/> (400 malformed patch or value, 403
/// read-only or reserved attribute);</item>
/// <item><c>image_repo.get</c>: 404 <c>No image found with ID {id}</c>;</item>
/// <item>each change in order, on the image as the earlier changes left it (Glance's
/// <c>ImageTarget</c> reads the live image): <see cref="AuthorizeChange"/> (the coded checks and
/// the rules of <c>_do_add</c>/<c>_do_replace</c>/<c>_do_remove</c>), then the change's own
/// refusals as the store applies it (<see cref="ApplyToFacts"/>).</item>
/// </list>
/// The edge stops — allows, leaving the rest to the backend — after the rules of the first change
/// whose effect it cannot reproduce from <see cref="ImageFacts"/>: a location change (the
/// backend's <c>show_multiple_locations</c> and its locations), a tags change (the backend's tag
/// quota), a custom property change when the facts carry no properties, an <c>add</c> of
/// <c>owner</c> by a caller who is not admin that changes the owner (Glance refuses that only when
/// it saves, the store at once). The save itself (the database's checks, the image's new size,
/// quotas) is always the backend's.
/// </summary>
public static class ImagePatchOperation
{
    /// <summary><c>_do_replace</c>'s refusal of an owner change by a caller who is not admin.</summary>
    public const string OwnerNotAdmin = "Owner can't be updated by non admin.";

    /// <summary><c>_do_replace</c>'s refusal of <c>replace /locations</c> with an empty (falsy) value.</summary>
    public const string EmptyLocations = "Cannot set locations to empty list.";

    /// <summary>The edge's decision (and the store's, up to where the edge stops).</summary>
    public static Refusal? Decide(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (ImagePatch.Draft4Of(input.ContentType) is not { } draft4)
        {
            return UnsupportedMediaType(input.ContentType);
        }

        if (input.BodyError is { } bodyError)
        {
            return bodyError;
        }

        if (input.Body is not { } body)
        {
            return null;
        }

        var (changes, refusal) = ImagePatch.Parse(body, draft4);
        if (refusal is not null)
        {
            return refusal;
        }

        if (ImageOperations.Lookup(input) is not { } image)
        {
            return ImageOperations.Missing(ImageOperations.NoImage(input.ImageId));
        }

        return Walk(input.Caller, image, changes!);
    }

    /// <summary>
    /// The deserializer's 415 when <paramref name="contentType"/> is not a JSON-patch type, else
    /// null; as Glance's, it carries <c>Accept-Patch: </c><see cref="ImagePatch.AcceptPatch"/>.
    /// </summary>
    public static Refusal? UnsupportedMediaType(string? contentType) =>
        ImagePatch.Draft4Of(contentType) is null
            ? new(415, GlanceErrorBody.UnsupportedMediaType(contentType), Reason: "UnsupportedMediaType") { Headers = AcceptPatchHeader }
            : null;

    private static readonly KeyValuePair<string, string>[] AcceptPatchHeader = [new("Accept-Patch", ImagePatch.AcceptPatch)];

    /// <summary>
    /// Each change's checks and rules on <paramref name="image"/> as the earlier changes leave it,
    /// up to the first refusal, or null once every change passed or the edge must stop.
    /// </summary>
    public static Refusal? Walk(Caller caller, ImageFacts image, IReadOnlyList<ImagePatch.Change> changes)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(changes);
        var current = image;
        foreach (var change in changes)
        {
            if (AuthorizeChange(caller, current, change) is { } refusal)
            {
                return refusal;
            }

            var (next, applied) = ApplyToFacts(caller, current, change);
            if (applied is not null)
            {
                return applied;
            }

            if (next is null)
            {
                return null;
            }

            current = next;
        }

        return null;
    }

    /// <summary>
    /// <c>_do_add</c>, <c>_do_replace</c>, <c>_do_remove</c> up to and through their rules:
    /// locations (<c>replace</c> with a falsy value: 403 <see cref="EmptyLocations"/>;
    /// <c>remove</c>: <c>delete_image_location</c>, else <c>set_image_location</c>); <c>replace
    /// /owner</c> by a caller who is not admin (403 <see cref="OwnerNotAdmin"/>, whatever the
    /// value, before any rule); else <c>update_property</c> (for <c>visibility</c> the rule of the
    /// new value, then <c>modify_image</c>, then in the legacy mode <c>check_is_image_mutable</c>).
    /// </summary>
    public static Refusal? AuthorizeChange(Caller caller, ImageFacts image, ImagePatch.Change change)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(change);
        var policy = ImagePolicy.For(caller, image);
        if (change.Path == "locations")
        {
            if (change.Op == "replace" && IsFalsy(change.Value))
            {
                return Refusal.WithDetail(403, EmptyLocations) with { Reason = "EmptyLocations" };
            }

            return change.Op == "remove" ? policy.DeleteLocations() : policy.UpdateLocations();
        }

        if (change.Op == "replace" && change.Path == "owner" && !caller.IsAdmin)
        {
            return Refusal.WithDetail(403, OwnerNotAdmin) with { Reason = "OwnerNotAdmin" };
        }

        var value = change.Op != "remove" && change.Value.ValueKind == JsonValueKind.String ? change.Value.GetString() : null;
        return policy.UpdateProperty(change.Path, value);
    }

    /// <summary>
    /// True for an <c>add /owner</c> by a caller who is not admin that changes the owner: Glance
    /// lets it through to the database, whose visibility check refuses the save; the store refuses
    /// it at once with <see cref="OwnerNotAdmin"/>. Either way the edge leaves it to the backend.
    /// </summary>
    public static bool IsOwnerAddByNonAdmin(Caller caller, ImageFacts image, ImagePatch.Change change)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(change);
        return change.Op == "add" && change.Path == "owner" && !caller.IsAdmin
            && (change.Value.ValueKind == JsonValueKind.Null ? null : change.Value.GetString()) != image.Owner;
    }

    /// <summary>
    /// <c>_do_add</c>'s refusal, after the rules, of a draft-4 <c>add</c> of an attribute the image
    /// has: every base attribute (the domain image has them all) or a custom property it carries
    /// (409 <c>Property {name} already present.</c>); null otherwise.
    /// </summary>
    public static Refusal? AlreadyPresent(ImageFacts image, ImagePatch.Change change)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(change);
        return change.Op == "add" && change.Draft4 && change.Path != "locations"
            && (ImageSchemaRules.Base.Contains(change.Path) || image.Properties?.ContainsKey(change.Path) == true)
                ? Refusal.WithDetail(409, $"Property {change.Path} already present.") with { Reason = "PropertyPresent" }
                : null;
    }

    /// <summary>
    /// The change's effect on the facts, as the store applies it to the image: the refusal it
    /// meets (a draft-4 add of an attribute the image has: 409, <see cref="AlreadyPresent"/>; a
    /// base attribute removed: 403; a custom property replaced or removed that is not there: 409; a custom property name over 255: 400), or the image after it, or neither when
    /// the edge cannot know (see the type's remarks).
    /// </summary>
    public static (ImageFacts? Next, Refusal? Refusal) ApplyToFacts(Caller caller, ImageFacts image, ImagePatch.Change change)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(change);
        if (change.Op == "add" && change.Draft4 && change.Path != "locations" && !ImageSchemaRules.Base.Contains(change.Path) && image.Properties is null)
        {
            return (null, null);
        }

        if (AlreadyPresent(image, change) is { } present409)
        {
            return (null, present409);
        }

        if (change.Path is "locations" or "tags" || IsOwnerAddByNonAdmin(caller, image, change))
        {
            return (null, null);
        }

        if (change.Op == "remove")
        {
            if (ImageSchemaRules.Base.Contains(change.Path))
            {
                return (null, Refusal.WithDetail(403, $"Property {change.Path} may not be removed.") with { Reason = "BasePropertyRemoved" });
            }

            if (image.Properties is not { } present)
            {
                return (null, null);
            }

            if (!present.ContainsKey(change.Path))
            {
                return (null, NoSuchProperty(change.Path));
            }

            var remaining = new Dictionary<string, string>(present, StringComparer.Ordinal);
            remaining.Remove(change.Path);
            return (image with { Properties = remaining }, null);
        }

        var value = change.Value;
        string? Text() => value.ValueKind == JsonValueKind.Null ? null : value.GetString();
        switch (change.Path)
        {
            case "name": return (image with { Name = Text() }, null);
            case "visibility": return (image with { Visibility = value.GetString()! }, null);
            case "protected": return (image with { Protected = value.GetBoolean() }, null);
            case "os_hidden": return (image with { OsHidden = value.GetBoolean() }, null);
            case "min_ram": return (image with { MinRam = value.GetInt64() }, null);
            case "min_disk": return (image with { MinDisk = value.GetInt64() }, null);
            case "disk_format": return (image with { DiskFormat = Text() }, null);
            case "container_format": return (image with { ContainerFormat = Text() }, null);
            case "owner": return (image with { Owner = Text() }, null);
        }

        if (image.Properties is not { } properties)
        {
            return (null, null);
        }

        if (change.Op == "replace" && !properties.ContainsKey(change.Path))
        {
            return (null, NoSuchProperty(change.Path));
        }

        if (change.Path.Length > 255)
        {
            return (null, new(400, "Custom property should not be greater than 255 characters.", Reason: "PropertyNameTooLong"));
        }

        return (image with { Properties = new Dictionary<string, string>(properties, StringComparer.Ordinal) { [change.Path] = value.GetString()! } }, null);
    }

    private static Refusal NoSuchProperty(string name) => Refusal.WithDetail(409, $"Property {name} does not exist.") with { Reason = "NoSuchProperty" };

    // Python's "not value" for a JSON value.
    private static bool IsFalsy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined => true,
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        JsonValueKind.String => value.GetString()!.Length == 0,
        JsonValueKind.Number => value.GetDouble() == 0,
        _ => false,
    };
}
