using System.Text.Json;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Glance.Policy.Rules;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's interoperable import up to and through its policy rules: <c>POST
/// /v2/images/{id}/import</c> (glance/api/v2/images.py <c>import_image</c>) and <c>PUT
/// /v2/images/{id}/stage</c> (image_data.py <c>stage</c>). Both first ask what only the backend
/// knows: the import methods it enables (<c>enabled_import_methods</c>) and, with
/// <c>use_keystone_limits</c>, the caller's Keystone quota; the edge takes Glance's defaults for the
/// one (<see cref="DefaultEnabledMethods"/>) and no quota for the other, so both default to
/// <see cref="EdgeMode.Shadow"/>. What follows the rule (the import lock, stores, URI filtering,
/// the staging data) is the backend's.
/// </summary>
public static class ImportOperations
{
    /// <summary>Glance 25's default <c>enabled_import_methods</c>.</summary>
    public static IReadOnlyList<string> DefaultEnabledMethods { get; } = ["glance-direct", "web-download", "copy-image"];

    /// <summary>The stage deserializer's 404 when <c>glance-direct</c> is not enabled.</summary>
    public const string GlanceDirectNotAvailable = "'glance-direct' method is not available at this site.";

    /// <summary>The rule <c>import_image</c> checks for <paramref name="method"/>: <c>copy_image</c> for copy-image, else <c>modify_image</c>.</summary>
    public static string RuleOf(string? method) => method == "copy-image" ? PolicyRuleNames.CopyImage : PolicyRuleNames.ModifyImage;

    /// <summary>The import method the body names, when it names one as a string; else null.</summary>
    public static string? MethodOf(JsonElement? body) =>
        body is { ValueKind: JsonValueKind.Object } root
        && root.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.Object
        && method.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()
            : null;

    /// <summary>
    /// POST …/import: the deserializer's body checks (<see cref="ImportRequest.Parse"/> over
    /// <paramref name="enabledMethods"/>), the lookup (404 <c>No image found with ID …</c>), the
    /// image's state for the method (409s), glance-download's body checks (400s), then
    /// <c>copy_image</c> for copy-image, else <c>modify_image</c> (legacy: and
    /// <c>check_is_image_mutable</c>, whose message the controller passes on as is).
    /// </summary>
    public static Refusal? Import(EdgeInput input, IReadOnlyCollection<string> enabledMethods)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(enabledMethods);
        if (input.BodyError is { } bad)
        {
            return bad;
        }

        if (input.Body is not { } body)
        {
            return new(400, "Body expected in request.", Reason: "BadRequestBody");
        }

        var (request, refusal) = ImportRequest.Parse(body, enabledMethods);
        if (refusal is not null)
        {
            return refusal with { Reason = "BadImportRequest" };
        }

        if (ImageOperations.Lookup(input) is not { } image)
        {
            return ImageOperations.Missing(ImageOperations.NoImage(input.ImageId));
        }

        if ((CheckState(image, request!.Method) ?? CheckGlanceDownload(request)) is { } invalid)
        {
            return invalid;
        }

        var policy = ImagePolicy.For(input.Caller, image);
        return request.Method == "copy-image" ? policy.CopyImage() : policy.ModifyImage();
    }

    /// <summary><c>import_image</c>'s checks of the image's state for <paramref name="method"/>, in Glance's order (409s).</summary>
    public static Refusal? CheckState(ImageFacts image, string method)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(method);
        string? conflict = null;
        if (image.Status == "active" && method != "copy-image")
        {
            conflict = "Image with status active cannot be target for import";
        }
        else if (image.Status != "active" && method == "copy-image")
        {
            conflict = "Only images with status active can be targeted for copying";
        }
        else if (image.Status != "queued" && method is "web-download" or "glance-download")
        {
            conflict = $"Image needs to be in 'queued' state to use '{method}' method";
        }
        else if (image.Status != "uploading" && method == "glance-direct")
        {
            conflict = "Image needs to be staged before 'glance-direct' method can be used";
        }
        else if (string.IsNullOrEmpty(image.ContainerFormat))
        {
            conflict = "'container_format' needs to be set before import";
        }
        else if (string.IsNullOrEmpty(image.DiskFormat))
        {
            conflict = "'disk_format' needs to be set before import";
        }

        return conflict is null ? null : new(409, conflict, Reason: "ImageStateConflict");
    }

    // glance-download: the method must name the region and a remote image id that uuid.UUID reads.
    private static Refusal? CheckGlanceDownload(ImportRequest request)
    {
        if (request.Method != "glance-download")
        {
            return null;
        }

        var method = request.Body.GetProperty("method");
        if (!method.TryGetProperty("glance_region", out _))
        {
            return new(400, "'glance_region' needs to be set for glance-download import method", Reason: "BadImportRequest");
        }

        if (!method.TryGetProperty("glance_image_id", out var remote))
        {
            return new(400, "'glance_image_id' needs to be set for glance-download import method", Reason: "BadImportRequest");
        }

        if (remote.ValueKind != JsonValueKind.String)
        {
            // uuid.UUID of anything but a str: its AttributeError or TypeError is a 500.
            return new(500, GlanceErrorWriter.InternalError, Reason: "BadImportRequest");
        }

        return PythonUuid.IsValid(remote.GetString()!)
            ? null
            : new(400, $"Remote image id does not look like a UUID: {remote.GetString()}", Reason: "BadImportRequest");
    }

    /// <summary>
    /// PUT …/stage: the deserializer (<c>glance-direct</c> must be enabled: 404; the body must be
    /// <c>application/octet-stream</c>: 415, a missing <c>Content-Type</c> included), the lookup
    /// (404 <c>No image found with ID …</c>), then <c>modify_image</c> (legacy: and
    /// <c>check_is_image_mutable</c>, passed on as is). The status change and the data follow, the backend's.
    /// </summary>
    public static Refusal? Stage(EdgeInput input, bool glanceDirectEnabled)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!glanceDirectEnabled)
        {
            return new(404, GlanceDirectNotAvailable, Reason: "MethodNotEnabled");
        }

        var contentType = input.ContentType;
        if (contentType is null || !string.Equals(contentType.Split(';')[0].Trim(), "application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return new(415, GlanceErrorBody.UnsupportedMediaType(contentType), Reason: "UnsupportedMediaType");
        }

        return ImageOperations.Lookup(input) is { } image
            ? ImagePolicy.For(input.Caller, image).ModifyImage()
            : ImageOperations.Missing(ImageOperations.NoImage(input.ImageId));
    }

    // Python's uuid.UUID(hex): 'urn:' and 'uuid:' removed, braces stripped, hyphens removed, then
    // exactly 32 characters that int(hex, 16) reads.
    private static class PythonUuid
    {
        public static bool IsValid(string value)
        {
            var hex = value.Replace("urn:", string.Empty, StringComparison.Ordinal).Replace("uuid:", string.Empty, StringComparison.Ordinal);
            hex = hex.Trim('{', '}').Replace("-", string.Empty, StringComparison.Ordinal);
            return hex.Length == 32 && IsPythonHexInt(hex);
        }

        // int(s, 16): surrounding whitespace, a sign, an optional 0x, digits with single underscores between.
        private static bool IsPythonHexInt(string text)
        {
            var s = text.Trim();
            if (s.Length > 0 && s[0] is '+' or '-')
            {
                s = s[1..];
            }

            if (s.Length >= 2 && s[0] == '0' && s[1] is 'x' or 'X')
            {
                s = s[2..];
                if (s.StartsWith('_'))
                {
                    s = s[1..];
                }
            }

            if (s.Length == 0 || s[0] == '_' || s[^1] == '_' || s.Contains("__", StringComparison.Ordinal))
            {
                return false;
            }

            return s.All(c => c == '_' || char.IsAsciiHexDigit(c));
        }
    }
}
