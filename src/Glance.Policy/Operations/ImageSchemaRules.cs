using System.Text.Json;
using System.Text.RegularExpressions;
using Glance.Policy.Members;

namespace Glance.Policy.Operations;

/// <summary>
/// The checks Glance's image schema makes (images.py get_base_properties), with jsonschema's
/// messages, plus the read-only and reserved attribute lists of its request deserializer. Pure:
/// the store's create and update and the edge's PATCH decision read the same lists.
/// </summary>
public static partial class ImageSchemaRules
{
    /// <summary>Attributes a client may never send (403 "Attribute 'x' is read-only.").</summary>
    public static readonly HashSet<string> Disallowed = new(StringComparer.Ordinal) { "direct_url", "self", "file", "schema", "stores" };

    /// <summary>Attributes only the store sets.</summary>
    public static readonly HashSet<string> ReadOnly = new(StringComparer.Ordinal)
    {
        "created_at", "updated_at", "status", "checksum", "size", "virtual_size", "direct_url", "self", "file", "schema", "id",
        "os_hash_algo", "os_hash_value", "stores",
    };

    /// <summary>Attributes reserved for Glance itself (403 "Attribute 'x' is reserved.").</summary>
    public static bool IsReserved(string key) =>
        key is "location" or "deleted" or "deleted_at" || key.StartsWith("os_glance", StringComparison.Ordinal);

    /// <summary>The base attributes (everything else is an extra string property).</summary>
    public static readonly HashSet<string> Base = new(StringComparer.Ordinal)
    {
        "checksum", "created_at", "container_format", "disk_format", "id", "min_disk", "min_ram", "name", "size", "virtual_size",
        "status", "tags", "owner", "updated_at", "visibility", "protected", "os_hidden", "os_hash_algo", "os_hash_value",
        "direct_url", "self", "file", "schema", "stores", "locations",
    };

    public static readonly string?[] DiskFormats = [null, "ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"];

    public static readonly string?[] ContainerFormats = [null, "ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"];

    private static readonly string[] Visibilities = ["community", "public", "private", "shared"];

    private const string IdPattern = "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$";

    /// <summary>The 400 explanation for a value the schema refuses, or null when it is valid.</summary>
    public static string? Check(string key, JsonElement value)
    {
        var reason = Reason(key, value);
        return reason is null ? null : "Provided object does not match schema 'image': " + reason;
    }

    private static string? Reason(string key, JsonElement value) => key switch
    {
        "name" => NullableString(value, 255),
        "owner" => NullableString(value, 255),
        "visibility" => value.ValueKind != JsonValueKind.String ? NotOfType(value, "'string'")
            : ImageVisibility.IsValid(value.GetString()) ? null : NotOneOf(value, Visibilities.Select(v => (string?)v)),
        "protected" or "os_hidden" => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : NotOfType(value, "'boolean'"),
        "min_ram" or "min_disk" => IsInteger(value) ? null : NotOfType(value, "'integer'"),
        "disk_format" => Enum(value, DiskFormats),
        "container_format" => Enum(value, ContainerFormats),
        "tags" => Tags(value),
        "id" => value.ValueKind != JsonValueKind.String ? NotOfType(value, "'string'")
            : IdRegex().IsMatch(value.GetString()!) ? null : $"{PyRepr.Of(value)} does not match {PyRepr.Of(IdPattern)}",
        _ when ReadOnly.Contains(key) || key == "locations" => null,

        // The custom properties of schema-image.json (Schemas/schema-image.json).
        "kernel_id" or "ramdisk_id" when value.ValueKind == JsonValueKind.String =>
            IdRegex().IsMatch(value.GetString()!) ? null : $"{PyRepr.Of(value)} does not match {PyRepr.Of(IdPattern)}",
        "cinder_encryption_key_deletion_policy" when value.ValueKind == JsonValueKind.String =>
            value.GetString() is "on_image_deletion" or "do_not_delete" ? null : NotOneOf(value, ["on_image_deletion", "do_not_delete"]),
        _ => value.ValueKind == JsonValueKind.String ? null : NotOfType(value, "'string'"),
    };

    private static string? NullableString(JsonElement value, int maxLength) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => CodePoints(value.GetString()!) > maxLength ? $"{PyRepr.Of(value)} is too long" : null,
        _ => NotOfType(value, "'null', 'string'"),
    };

    private static string? Enum(JsonElement value, string?[] allowed) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => allowed.Contains(value.GetString()) ? null : NotOneOf(value, allowed),
        _ => NotOfType(value, "'null', 'string'"),
    };

    private static string? Tags(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return NotOfType(value, "'array'");
        }

        foreach (var tag in value.EnumerateArray())
        {
            if (tag.ValueKind != JsonValueKind.String)
            {
                return NotOfType(tag, "'string'");
            }

            if (CodePoints(tag.GetString()!) > 255)
            {
                return $"{PyRepr.Of(tag)} is too long";
            }
        }

        return null;
    }

    private static bool IsInteger(JsonElement value) => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _);

    private static int CodePoints(string value) => value.EnumerateRunes().Count();

    private static string NotOfType(JsonElement value, string types) => $"{PyRepr.Of(value)} is not of type {types}";

    private static string NotOneOf(JsonElement value, IEnumerable<string?> allowed) =>
        $"{PyRepr.Of(value)} is not one of [{string.Join(", ", allowed.Select(a => a is null ? "None" : PyRepr.Of(a)))}]";

    [GeneratedRegex(IdPattern)]
    private static partial Regex IdRegex();
}
