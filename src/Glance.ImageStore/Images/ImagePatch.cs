using System.Text.Json;
using System.Text.RegularExpressions;
using Glance.ImageStore.Routing;

namespace Glance.ImageStore.Images;

/// <summary>
/// Glance's JSON-patch for images (images.py RequestDeserializer.update and ImagesController
/// _do_add/_do_replace/_do_remove): parses the operations with Glance's messages, then applies
/// them to an <see cref="ImageRecord"/>. Either step returns the refusal instead of throwing.
/// Who may apply a change is not decided here: the endpoint asks <see cref="ImagePolicy"/> before
/// each change, in Glance's order.
/// </summary>
internal static partial class ImagePatch
{
    /// <summary>The media type of draft-10 patches (what python-glanceclient sends).</summary>
    public const string MediaTypeV21 = "application/openstack-images-v2.1-json-patch";

    /// <summary>The media type of draft-4 patches.</summary>
    public const string MediaTypeV20 = "application/openstack-images-v2.0-json-patch";

    /// <summary>The <c>Accept-Patch</c> header of a 415.</summary>
    public const string AcceptPatch = MediaTypeV20 + ", " + MediaTypeV21;

    private const string Operations = "add, remove, replace";

    /// <summary>One operation on one top-level attribute.</summary>
    public sealed record Change(string Op, string Path, JsonElement Value);

    /// <summary>Parses a patch document; <paramref name="draft4"/> for the v2.0 media type.</summary>
    public static (List<Change>? Changes, Refusal? Refusal) Parse(JsonElement body, bool draft4)
    {
        if (body.ValueKind != JsonValueKind.Array)
        {
            return (null, new(400, "Request body must be a JSON array of operation objects."));
        }

        var changes = new List<Change>();
        foreach (var raw in body.EnumerateArray())
        {
            if (raw.ValueKind != JsonValueKind.Object)
            {
                return (null, new(400, "Operations must be JSON objects."));
            }

            var (op, pointer, refusal) = draft4 ? OperationDraft4(raw) : OperationDraft10(raw);
            if (refusal is not null)
            {
                return (null, refusal);
            }

            refusal = ValidatePointer(pointer!);
            if (refusal is not null)
            {
                return (null, refusal);
            }

            var path = pointer!.TrimStart('/').Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal).Trim()).ToArray();
            if (path.Length != 1)
            {
                return (null, new(400, $"Invalid JSON pointer for this resource: '/{string.Join('/', path)}'"));
            }

            var root = path[0];
            var value = default(JsonElement);
            if (op != "remove")
            {
                if (!raw.TryGetProperty("value", out value))
                {
                    return (null, new(400, $"Operation \"{op}\" requires a member named \"value\"."));
                }
            }

            if (ImageSchemaRules.ReadOnly.Contains(root))
            {
                return (null, new(403, $"Attribute '{root}' is read-only."));
            }

            if (ImageSchemaRules.IsReserved(root))
            {
                return (null, new(403, $"Attribute '{root}' is reserved."));
            }

            if (op != "remove" && ImageSchemaRules.Check(root, value) is { } invalid)
            {
                return (null, new(400, invalid));
            }

            changes.Add(new Change(op!, root, op == "remove" ? default : value.Clone()));
        }

        return (changes, null);
    }

    /// <summary>Applies one parsed change; returns the refusal, or null when it applied.</summary>
    public static Refusal? Apply(ImageRecord image, Change change)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(change);
        return change.Op == "remove" ? Remove(image, change.Path) : Set(image, change);
    }

    private static Refusal? Set(ImageRecord image, Change change)
    {
        var value = change.Value;
        switch (change.Path)
        {
            case "name": image.Name = value.ValueKind == JsonValueKind.Null ? null : value.GetString(); break;
            case "visibility": image.Visibility = value.GetString()!; break;
            case "protected": image.Protected = value.GetBoolean(); break;
            case "os_hidden": image.OsHidden = value.GetBoolean(); break;
            case "min_ram": image.MinRam = value.GetInt64(); break;
            case "min_disk": image.MinDisk = value.GetInt64(); break;
            case "disk_format": image.DiskFormat = value.ValueKind == JsonValueKind.Null ? null : value.GetString(); break;
            case "container_format": image.ContainerFormat = value.ValueKind == JsonValueKind.Null ? null : value.GetString(); break;
            case "tags" when value.GetArrayLength() > ImageTagsEndpoints.TagQuota:
                // The quota proxy's _enforce_image_tag_quota on the list as given (duplicates count).
                return new(413, $"The limit has been exceeded on the number of allowed image tags. Attempted: {value.GetArrayLength()}, Maximum: {ImageTagsEndpoints.TagQuota}");
            case "tags": image.Tags = [.. value.EnumerateArray().Select(t => t.GetString()!).Distinct(StringComparer.Ordinal)]; break;
            case "owner": image.Owner = value.ValueKind == JsonValueKind.Null ? null : value.GetString(); break;
            case "locations":
                // show_multiple_locations is off: _do_replace_locations / _do_add_locations refuse.
                return new(403, $"It's not allowed to {(change.Op == "replace" ? "update" : "add")} locations if locations are invisible.");
            default:
                var index = image.Properties.FindIndex(p => p.Key == change.Path);
                if (change.Op == "replace" && index < 0)
                {
                    return Refusal.WithDetail(409, $"Property {change.Path} does not exist.");
                }

                if (change.Path.Length > 255)
                {
                    return new(400, "Custom property should not be greater than 255 characters.");
                }

                var property = new KeyValuePair<string, string>(change.Path, value.GetString()!);
                if (index < 0)
                {
                    image.Properties.Add(property);
                }
                else
                {
                    image.Properties[index] = property;
                }

                break;
        }

        return null;
    }

    private static Refusal? Remove(ImageRecord image, string path)
    {
        if (ImageSchemaRules.Base.Contains(path))
        {
            return Refusal.WithDetail(403, $"Property {path} may not be removed.");
        }

        var index = image.Properties.FindIndex(p => p.Key == path);
        if (index < 0)
        {
            return Refusal.WithDetail(409, $"Property {path} does not exist.");
        }

        image.Properties.RemoveAt(index);
        return null;
    }

    private static (string? Op, string? Pointer, Refusal? Refusal) OperationDraft10(JsonElement raw)
    {
        if (!raw.TryGetProperty("op", out var op) || op.ValueKind == JsonValueKind.Null)
        {
            return (null, null, new(400, $"Unable to find `op` in JSON Schema change. It must be one of the following: {Operations}."));
        }

        var name = op.ValueKind == JsonValueKind.String ? op.GetString()! : PyRepr.Of(op);
        if (name is not ("add" or "remove" or "replace"))
        {
            return (null, null, new(400, $"Invalid operation: `{name}`. It must be one of the following: {Operations}."));
        }

        if (!raw.TryGetProperty("path", out var path))
        {
            return (null, null, new(400, "Unable to find 'path' in JSON Schema change"));
        }

        return path.ValueKind == JsonValueKind.String
            ? (name, path.GetString(), null)
            : (null, null, new(400, $"Pointer `{PyRepr.Of(path)}` does not start with \"/\"."));
    }

    private static (string? Op, string? Pointer, Refusal? Refusal) OperationDraft4(JsonElement raw)
    {
        string? found = null;
        foreach (var candidate in new[] { "add", "remove", "replace" })
        {
            if (raw.TryGetProperty(candidate, out _))
            {
                if (found is not null)
                {
                    return (null, null, new(400, "Operation objects must contain only one member named \"add\", \"remove\", or \"replace\"."));
                }

                found = candidate;
            }
        }

        if (found is null)
        {
            return (null, null, new(400, "Operation objects must contain exactly one member named \"add\", \"remove\", or \"replace\"."));
        }

        var path = raw.GetProperty(found);
        return path.ValueKind == JsonValueKind.String
            ? (found, path.GetString(), null)
            : (null, null, new(400, $"Pointer `{PyRepr.Of(path)}` does not start with \"/\"."));
    }

    private static Refusal? ValidatePointer(string pointer)
    {
        if (!pointer.StartsWith('/'))
        {
            return new(400, $"Pointer `{pointer}` does not start with \"/\".");
        }

        if (AdjacentSlashes().IsMatch(pointer[1..]))
        {
            return new(400, $"Pointer `{pointer}` contains adjacent \"/\".");
        }

        if (pointer.Length > 1 && pointer.EndsWith('/'))
        {
            return new(400, $"Pointer `{pointer}` end with \"/\".");
        }

        if (pointer[1..].Trim() == "/")
        {
            return new(400, $"Pointer `{pointer}` does not contains valid token.");
        }

        if (BadTilde().IsMatch(pointer) || pointer.EndsWith('~'))
        {
            return new(400, $"Pointer `{pointer}` contains \"~\" not part of a recognized escape sequence.");
        }

        return null;
    }

    [GeneratedRegex(@"/\s*?/")]
    private static partial Regex AdjacentSlashes();

    [GeneratedRegex("~[^01]")]
    private static partial Regex BadTilde();
}
