using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Glance.Policy.Operations;

/// <summary>
/// Python's <c>repr</c> of a JSON value, as Glance's jsonschema messages show it
/// (<c>'abc' is too long</c>, <c>5 is not of type 'string'</c>).
/// </summary>
public static class PyRepr
{
    public static string Of(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Of(value.GetString()!),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Array => "[" + string.Join(", ", value.EnumerateArray().Select(Of)) + "]",
        JsonValueKind.Object => "{" + string.Join(", ", value.EnumerateObject().Select(p => Of(p.Name) + ": " + Of(p.Value))) + "}",
        _ => value.GetRawText(),
    };

    public static string Of(string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var builder = new StringBuilder(value.Length + 2).Append(quote);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        builder.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append(quote).ToString();
    }
}
