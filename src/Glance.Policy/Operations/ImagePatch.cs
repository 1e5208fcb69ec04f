using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Net.Http.Headers;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance's JSON-patch deserializer for images (images.py <c>RequestDeserializer.update</c>): the
/// media type, then each operation with Glance's messages (400 malformed, 403 read-only or reserved
/// attributes, 400 the schema's refusal of a value). Pure: the store parses with it and the edge's
/// <see cref="ImagePatchOperation"/> decides with it, so both read a patch the same way. Applying
/// the changes is not here (the store's <c>ImagePatchApply</c>).
/// </summary>
public static partial class ImagePatch
{
    /// <summary>The media type of draft-10 patches (what python-glanceclient sends).</summary>
    public const string MediaTypeV21 = "application/openstack-images-v2.1-json-patch";

    /// <summary>The media type of draft-4 patches.</summary>
    public const string MediaTypeV20 = "application/openstack-images-v2.0-json-patch";

    /// <summary>The <c>Accept-Patch</c> header of a 415.</summary>
    public const string AcceptPatch = MediaTypeV20 + ", " + MediaTypeV21;

    private const string Operations = "add, remove, replace";

    /// <summary>
    /// The patch's draft as webob's <c>request.content_type</c> names it (the media type without
    /// its parameters, compared exactly): false for draft 10 (v2.1), true for draft 4 (v2.0),
    /// null for any other type (Glance's 415).
    /// </summary>
    public static bool? Draft4Of(string? contentType)
    {
        var mediaType = MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType.Value : null;
        return mediaType switch
        {
            MediaTypeV21 => false,
            MediaTypeV20 => true,
            _ => null,
        };
    }

    /// <summary>One operation on one top-level attribute; <paramref name="Draft4"/> when it came in a v2.0 (draft 4) patch.</summary>
    public sealed record Change(string Op, string Path, JsonElement Value, bool Draft4 = false);

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

            changes.Add(new Change(op!, root, op == "remove" ? default : value.Clone(), draft4));
        }

        return (changes, null);
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
