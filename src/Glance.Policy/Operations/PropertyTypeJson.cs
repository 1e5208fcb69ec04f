using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Glance.Policy.Operations;

/// <summary>
/// A property definition as Glance's WSME model <c>PropertyType</c> (glance/api/v2/model/
/// metadef_property_type.py) reads and writes it: <c>json.fromjson</c> then <c>json.tojson</c>.
/// Only the model's attributes, in their declaration order; an attribute present in the input
/// is written (a JSON null stays null), an absent one is left out. Values are converted as WSME
/// converts them: integers with Python's <c>int()</c> (1.7 is 1, true is 1), booleans with
/// <c>bool()</c> or the unambiguous strings, <c>default</c> (a bytes attribute) as Python's
/// <c>str()</c> of a string or number (true is "True") and null for anything else.
/// </summary>
public static class PropertyTypeJson
{
    private enum Kind
    {
        Text,
        TextList,
        Int,
        Bool,
        Bytes,
        Items,
    }

    private static readonly (string Name, Kind Kind)[] Attributes =
    [
        ("name", Kind.Text),
        ("type", Kind.Text),
        ("title", Kind.Text),
        ("description", Kind.Text),
        ("operators", Kind.TextList),
        ("default", Kind.Bytes),
        ("readonly", Kind.Bool),
        ("minimum", Kind.Int),
        ("maximum", Kind.Int),
        ("enum", Kind.TextList),
        ("pattern", Kind.Text),
        ("minLength", Kind.Int),
        ("maxLength", Kind.Int),
        ("confidential", Kind.Bool),
        ("items", Kind.Items),
        ("uniqueItems", Kind.Bool),
        ("minItems", Kind.Int),
        ("maxItems", Kind.Int),
        ("additionalItems", Kind.Bool),
    ];

    private static readonly string[] True = ["true", "t", "yes", "y", "on", "1"];
    private static readonly string[] False = ["false", "f", "no", "n", "off", "0"];

    /// <summary>Checks that <paramref name="property"/> converts (a JSON object with known attributes, type and title present); the problem, or null.</summary>
    public static string? Problem(JsonElement property, bool nameAllowed = true)
    {
        if (property.ValueKind != JsonValueKind.Object)
        {
            return "Value not a valid dict";
        }

        foreach (var member in property.EnumerateObject())
        {
            var index = Array.FindIndex(Attributes, a => a.Name == member.Name);
            if (index < 0 || (!nameAllowed && member.Name == "name"))
            {
                return $"Unknown attribute for argument: {member.Name}";
            }

            if (Convert(Attributes[index].Kind, member.Value, null) is { } problem)
            {
                return problem;
            }
        }

        foreach (var mandatory in (ReadOnlySpan<string>)["type", "title"])
        {
            if (!property.TryGetProperty(mandatory, out _))
            {
                return $"Invalid input for field/attribute {mandatory}. Value: 'None'. Mandatory field missing.";
            }
        }

        return null;
    }

    /// <summary>Writes <paramref name="property"/> as WSME would answer it (call <see cref="Problem"/> first on untrusted input).</summary>
    public static void Write(Utf8JsonWriter writer, JsonElement property, string? withoutName = null)
    {
        writer.WriteStartObject();
        foreach (var (name, kind) in Attributes)
        {
            if (withoutName is not null && name == "name")
            {
                continue;
            }

            if (property.ValueKind == JsonValueKind.Object && property.TryGetProperty(name, out var value))
            {
                writer.WritePropertyName(name);
                Convert(kind, value, writer);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>The normalized form of <paramref name="property"/> as JSON text (what Glance stores in <c>json_schema</c>).</summary>
    public static string ToText(JsonElement property)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, property);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Converts one value; with a writer, writes it; returns a problem or null.
    private static string? Convert(Kind kind, JsonElement value, Utf8JsonWriter? writer)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            writer?.WriteNullValue();
            return null;
        }

        switch (kind)
        {
            case Kind.Text:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return WrongType(value);
                }

                writer?.WriteStringValue(value.GetString());
                return null;
            case Kind.TextList:
                if (value.ValueKind != JsonValueKind.Array)
                {
                    return $"Value not a valid list: {value.GetRawText()}";
                }

                writer?.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    {
                        return WrongType(item);
                    }

                    if (item.ValueKind == JsonValueKind.Null)
                    {
                        writer?.WriteNullValue();
                    }
                    else
                    {
                        writer?.WriteStringValue(item.GetString());
                    }
                }

                writer?.WriteEndArray();
                return null;
            case Kind.Int:
                long number;
                switch (value.ValueKind)
                {
                    case JsonValueKind.Number when value.TryGetInt64(out number):
                        break;
                    case JsonValueKind.Number:
                        var d = value.GetDouble();
                        if (double.IsInfinity(d) || Math.Abs(d) >= 9.2e18)
                        {
                            return WrongType(value);
                        }

                        number = (long)Math.Truncate(d);
                        break;
                    case JsonValueKind.True or JsonValueKind.False:
                        number = value.ValueKind == JsonValueKind.True ? 1 : 0;
                        break;
                    case JsonValueKind.String when long.TryParse(value.GetString()!.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number):
                        break;
                    default:
                        return $"invalid literal for int() with base 10: {value.GetRawText()}";
                }

                writer?.WriteNumberValue(number);
                return null;
            case Kind.Bool:
                bool flag;
                switch (value.ValueKind)
                {
                    case JsonValueKind.True or JsonValueKind.False:
                        flag = value.ValueKind == JsonValueKind.True;
                        break;
                    case JsonValueKind.Number:
                        flag = value.GetDouble() != 0;
                        break;
                    case JsonValueKind.String when Array.IndexOf(True, value.GetString()) >= 0:
                        flag = true;
                        break;
                    case JsonValueKind.String when Array.IndexOf(False, value.GetString()) >= 0:
                        flag = false;
                        break;
                    default:
                        return $"Value not an unambiguous boolean: {value.GetRawText()}";
                }

                writer?.WriteBooleanValue(flag);
                return null;
            case Kind.Bytes:
                switch (value.ValueKind)
                {
                    case JsonValueKind.String:
                        writer?.WriteStringValue(value.GetString());
                        break;
                    case JsonValueKind.True:
                        writer?.WriteStringValue("True");
                        break;
                    case JsonValueKind.False:
                        writer?.WriteStringValue("False");
                        break;
                    case JsonValueKind.Number:
                        writer?.WriteStringValue(PythonNumber(value));
                        break;
                    default:
                        writer?.WriteNullValue();
                        break;
                }

                return null;
            default:
                if (value.ValueKind != JsonValueKind.Object)
                {
                    return WrongType(value);
                }

                foreach (var member in value.EnumerateObject())
                {
                    if (member.Name is not ("type" or "enum"))
                    {
                        return $"Unknown attribute for argument: {member.Name}";
                    }
                }

                writer?.WriteStartObject();
                foreach (var (name, itemKind) in (ReadOnlySpan<(string, Kind)>)[("type", Kind.Text), ("enum", Kind.TextList)])
                {
                    if (value.TryGetProperty(name, out var item))
                    {
                        writer?.WritePropertyName(name);
                        if (Convert(itemKind, item, writer) is { } problem)
                        {
                            return problem;
                        }
                    }
                }

                writer?.WriteEndObject();
                return null;
        }
    }

    private static string WrongType(JsonElement value) => $"Wrong type. Expected '<class 'str'>', got '{value.ValueKind}'";

    // Python's str() of a JSON number: an integer as written, a float as repr() writes it.
    private static string PythonNumber(JsonElement value)
    {
        var raw = value.GetRawText();
        if (value.TryGetInt64(out var integer) && raw.IndexOfAny(['.', 'e', 'E']) < 0)
        {
            return integer.ToString(CultureInfo.InvariantCulture);
        }

        var d = value.GetDouble();
        if (d == Math.Floor(d) && Math.Abs(d) < 1e16)
        {
            return d.ToString("0.0", CultureInfo.InvariantCulture);
        }

        var text = d.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var exponent = text[(e + 1)..];
        var sign = exponent.StartsWith('-') ? "-" : "+";
        var digits = exponent.TrimStart('+', '-').PadLeft(2, '0');
        return string.Concat(text.AsSpan(0, e), "e", sign, digits);
    }
}
