using System.Text;
using System.Text.Json;
using Glance.ImageStore.Routing;

namespace Glance.ImageStore.Metadefs;

/// <summary>
/// What the metadef deserializers (glance/api/v2/metadef_*.py <c>RequestDeserializer</c>) check
/// before a controller runs: read-only attributes (403 <c>Attribute 'X' is read-only.</c>), the
/// JSON schema (400 <c>Provided object does not match schema 'X': ...</c>, the first problem
/// found, without jsonschema's trailing report), and the query of a listing as webob's
/// <c>request.params</c> holds it.
/// </summary>
internal static class MetadefRequest
{
    /// <summary>The read-only attributes of a property, a tag and a resource type association.</summary>
    public static readonly string[] TimeAttributes = ["created_at", "updated_at"];

    /// <summary>
    /// Reads a JSON body (<see cref="JsonBody"/>'s checks). A JSON array passes the metadef schemas
    /// (they do not say <c>"type": "object"</c>) and then breaks WSME's <c>fromjson</c>: Glance's
    /// 500, written here. Null when answered.
    /// </summary>
    public static async Task<JsonDocument?> ReadBodyAsync(HttpContext context, long maxBytes)
    {
        var body = await JsonBody.ReadAsync(context, maxBytes);
        if (body is not null && body.RootElement.ValueKind != JsonValueKind.Object)
        {
            body.Dispose();
            await Glance.Policy.Errors.GlanceErrorWriter.WriteAsync(context, 500, Glance.Policy.Errors.GlanceErrorWriter.InternalError);
            return null;
        }

        return body;
    }

    /// <summary>
    /// A deserializer's body, in Glance's order: <see cref="ReadBodyAsync"/>, the 403 of a
    /// read-only attribute, the first problem <paramref name="checkSchema"/> finds as
    /// <paramref name="schema"/>'s 400, then Glance's 500 when <paramref name="breaksConversion"/>
    /// says WSME would fail. Null when answered.
    /// </summary>
    public static async Task<JsonDocument?> ReadCheckedBodyAsync(
        HttpContext context,
        long maxBytes,
        string[] readOnly,
        string schema,
        Func<JsonElement, string?> checkSchema,
        Func<JsonElement, bool>? breaksConversion = null)
    {
        var body = await ReadBodyAsync(context, maxBytes);
        if (body is null)
        {
            return null;
        }

        var root = body.RootElement;
        var refusal = root.ValueKind == JsonValueKind.Object ? CheckReadOnly(root, readOnly) : null;
        if (refusal is null && checkSchema(root) is { } problem)
        {
            refusal = SchemaRefusal(schema, problem);
        }

        if (refusal is not null)
        {
            body.Dispose();
            await refusal.WriteAsync(context);
            return null;
        }

        if (breaksConversion is not null && breaksConversion(root))
        {
            body.Dispose();
            await InternalErrorAsync(context);
            return null;
        }

        return body;
    }

    /// <summary>The schema's <c>additionalProperties: false</c>: the first attribute not in <paramref name="allowed"/>, as jsonschema words it.</summary>
    public static string? CheckAdditional(JsonElement body, string[] allowed)
    {
        var unexpected = body.EnumerateObject().Select(m => m.Name).Where(n => Array.IndexOf(allowed, n) < 0).ToList();
        return unexpected.Count == 0 ? null
            : unexpected.Count == 1 ? $"Additional properties are not allowed ('{unexpected[0]}' was unexpected)"
            : $"Additional properties are not allowed ({string.Join(", ", unexpected.Select(u => $"'{u}'"))} were unexpected)";
    }

    /// <summary>The 403 of the first of <paramref name="readOnly"/> the body names, or null.</summary>
    public static Refusal? CheckReadOnly(JsonElement body, params string[] readOnly)
    {
        foreach (var key in readOnly)
        {
            if (body.TryGetProperty(key, out _))
            {
                return new Refusal(403, $"Attribute '{key}' is read-only.");
            }
        }

        return null;
    }

    /// <summary>A schema refusal in Glance's words.</summary>
    public static Refusal SchemaRefusal(string schema, string problem) =>
        new(400, $"Provided object does not match schema '{schema}': {problem}");

    /// <summary>Checks a string attribute of the schema: type and maximum length.</summary>
    public static string? CheckString(JsonElement body, string name, int? maxLength, bool required = false)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            return required ? $"'{name}' is a required property" : null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return $"{Repr(value)} is not of type 'string'";
        }

        var text = value.GetString()!;
        return maxLength is { } max && CodePoints(text) > max ? $"{Repr(value)} is too long" : null;
    }

    /// <summary>Checks a boolean attribute of the schema.</summary>
    public static string? CheckBoolean(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
            ? $"{Repr(value)} is not of type 'boolean'"
            : null;

    /// <summary>Checks a map of property definitions (<c>#/definitions/property</c>).</summary>
    public static string? CheckProperties(JsonElement properties)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            return $"{Repr(properties)} is not of type 'object'";
        }

        foreach (var property in properties.EnumerateObject())
        {
            if (CheckProperty(property.Value) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>Checks one property definition: an object with title and type, the schema's types.</summary>
    public static string? CheckProperty(JsonElement property)
    {
        if (property.ValueKind != JsonValueKind.Object)
        {
            return $"{Repr(property)} is not of type 'object'";
        }

        foreach (var required in (ReadOnlySpan<string>)["title", "type"])
        {
            if (!property.TryGetProperty(required, out _))
            {
                return $"'{required}' is a required property";
            }
        }

        if (property.TryGetProperty("type", out var type)
            && (type.ValueKind != JsonValueKind.Null && (type.ValueKind != JsonValueKind.String || type.GetString() is not ("array" or "boolean" or "integer" or "number" or "object" or "string"))))
        {
            return $"{Repr(type)} is not one of ['array', 'boolean', 'integer', 'number', 'object', 'string', None]";
        }

        foreach (var name in (ReadOnlySpan<string>)["title", "description", "pattern"])
        {
            if (CheckString(property, name, null) is { } problem)
            {
                return problem;
            }
        }

        if (CheckString(property, "name", 80) is { } nameProblem)
        {
            return nameProblem;
        }

        foreach (var name in (ReadOnlySpan<string>)["readonly", "uniqueItems", "additionalItems"])
        {
            if (CheckBoolean(property, name) is { } problem)
            {
                return problem;
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["minimum", "maximum"])
        {
            if (property.TryGetProperty(name, out var number) && number.ValueKind != JsonValueKind.Number)
            {
                return $"{Repr(number)} is not of type 'number'";
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["maxLength", "minLength", "maxItems", "minItems"])
        {
            if (property.TryGetProperty(name, out var number))
            {
                if (number.ValueKind != JsonValueKind.Number || !number.TryGetInt64(out var integer))
                {
                    return $"{Repr(number)} is not of type 'integer'";
                }

                if (integer < 0)
                {
                    return $"{integer} is less than the minimum of 0";
                }
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["enum", "operators"])
        {
            if (property.TryGetProperty(name, out var list) && list.ValueKind != JsonValueKind.Array)
            {
                return $"{Repr(list)} is not of type 'array'";
            }
        }

        return null;
    }

    /// <summary>
    /// WSME's <c>fromjson</c> after the schema passed: a definition it cannot convert (an attribute
    /// the schema allows and <c>PropertyType</c> lacks, such as <c>required</c>; a value of the wrong
    /// type) raises outside any handler in Glance, a 500. True when one of <paramref name="properties"/> fails.
    /// </summary>
    public static bool ConversionFails(JsonElement properties) =>
        properties.ValueKind == JsonValueKind.Object && properties.EnumerateObject().Any(p => PropertyTypeJson.Problem(p.Value) is not null);

    /// <summary>Writes Glance's 500.</summary>
    public static Task InternalErrorAsync(HttpContext context) =>
        Glance.Policy.Errors.GlanceErrorWriter.WriteAsync(context, 500, Glance.Policy.Errors.GlanceErrorWriter.InternalError);

    /// <summary>
    /// webob's <c>request.params</c> as a Python dict: the query's pairs in order, a repeated name
    /// keeping its first place and its last value.
    /// </summary>
    public static List<KeyValuePair<string, string>> Params(HttpContext context) =>
        Glance.Policy.Operations.MetadefQuery.Parse(context.Request.QueryString.Value);

    /// <summary>Python's <c>urllib.parse.urlencode</c> of pairs (quote_plus).</summary>
    public static string UrlEncode(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            QuotePlus(builder, name);
            builder.Append('=');
            QuotePlus(builder, value);
        }

        return builder.ToString();
    }

    private static void QuotePlus(StringBuilder builder, string text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'_' or (byte)'.' or (byte)'-' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    private static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    /// <summary>A short Python-like repr of a JSON value for the schema messages.</summary>
    public static string Repr(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "'" + value.GetString() + "'",
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        _ => value.GetRawText(),
    };
}
