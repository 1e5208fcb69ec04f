using System.Text;

namespace Glance.Policy.Routing;

/// <summary>
/// Routes' method override (routes/middleware.py <c>RoutesMiddleware.__call__</c>, on in Glance's
/// <c>wsgi.Router</c>): when the raw query string contains <c>_method</c>, the last <c>_method</c>
/// value of webob's query parse (<c>req.GET</c>), upper-cased by Python, replaces
/// <c>REQUEST_METHOD</c> while routes are matched, so <c>GET .../members/{m}?_method=DELETE</c>
/// runs the member delete. Otherwise a form POST (<c>application/x-www-form-urlencoded</c> or
/// <c>multipart/form-data</c>) is read the same way for a <c>_method</c> field. The controller and
/// every message still see the request's own method.
/// </summary>
public static class GlanceMethodOverride
{
    private const string Name = "_method";
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>True when Routes looks at the query for an override: its raw text contains <c>_method</c> (then never at a form body).</summary>
    public static bool ConsultsQuery(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Contains(Name, StringComparison.Ordinal);
    }

    /// <summary>
    /// True when Routes reads a form POST's body for <c>_method</c>: the method is POST, the query
    /// does not contain <c>_method</c>, and the content type (before any <c>;</c>, any case) is
    /// <c>application/x-www-form-urlencoded</c> or <c>multipart/form-data</c> (<c>is_form_post</c>).
    /// </summary>
    public static bool ConsultsForm(string method, string query, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(query);
        if (!string.Equals(method, "POST", StringComparison.Ordinal) || ConsultsQuery(query) || contentType is null)
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var type = (semicolon < 0 ? contentType : contentType[..semicolon]).ToLowerInvariant();
        return type is "application/x-www-form-urlencoded" or "multipart/form-data";
    }

    /// <summary>
    /// The override the query asks for, upper-cased as Python does; null when the query does not
    /// contain <c>_method</c>, has no non-empty <c>_method</c> value, or does not decode (a pair that
    /// is not UTF-8 once unquoted makes webob's parse fail, and Routes then overrides nothing).
    /// </summary>
    /// <param name="query">The query string, with or without its leading <c>?</c>, as sent.</param>
    public static string? FromQuery(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!ConsultsQuery(query))
        {
            return null;
        }

        var value = LastValue(query.StartsWith('?') ? query[1..] : query);
        return string.IsNullOrEmpty(value) ? null : PythonUpper(value);
    }

    /// <summary>The override of a form field value (<c>req.POST.get('_method')</c>): null when empty, else upper-cased as Python does.</summary>
    public static string? FromFormValue(string? value) => string.IsNullOrEmpty(value) ? null : PythonUpper(value);

    /// <summary>
    /// Python's <c>str.upper()</c> wherever it can give an ASCII result: ASCII letters, and the
    /// non-ASCII characters whose upper-case mapping is ASCII only (<c>ß</c> → <c>SS</c>, the
    /// <c>ﬀ</c>-<c>ﬆ</c> ligatures, <c>ı</c> → <c>I</c>, <c>ſ</c> → <c>S</c>; .NET's invariant casing
    /// maps none of them); any other character is upper-cased by .NET and stays outside ASCII, as
    /// in Python, so it never equals a method.
    /// </summary>
    public static string PythonUpper(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            var special = rune.Value switch
            {
                0xDF => "SS",
                0x131 => "I",
                0x17F => "S",
                0xFB00 => "FF",
                0xFB01 => "FI",
                0xFB02 => "FL",
                0xFB03 => "FFI",
                0xFB04 => "FFL",
                0xFB05 or 0xFB06 => "ST",
                _ => null,
            };
            if (special is not null)
            {
                builder.Append(special);
            }
            else if (rune.IsAscii)
            {
                builder.Append(char.ToUpperInvariant((char)rune.Value));
            }
            else
            {
                builder.Append(Rune.ToUpperInvariant(rune).ToString());
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// webob's <c>unquote</c> (webob/compat.py): each <c>%</c> followed by what Python's
    /// <c>int(x, 16)</c> reads in the next two bytes (surrounding whitespace and a sign included)
    /// becomes that byte; anything else stays as written. Public for the tests that compare it with webob.
    /// </summary>
    public static byte[] WebobUnquote(ReadOnlySpan<byte> input)
    {
        var output = new List<byte>(input.Length);
        var percent = input.IndexOf((byte)'%');
        if (percent < 0)
        {
            return input.ToArray();
        }

        output.AddRange(input[..percent]);
        var rest = input[(percent + 1)..];
        while (true)
        {
            var next = rest.IndexOf((byte)'%');
            var item = next < 0 ? rest : rest[..next];
            var two = item[..Math.Min(2, item.Length)];
            if (TryPythonHex(two, out var value))
            {
                output.Add(value);
                output.AddRange(item[two.Length..]);
            }
            else
            {
                output.Add((byte)'%');
                output.AddRange(item);
            }

            if (next < 0)
            {
                break;
            }

            rest = rest[(next + 1)..];
        }

        return [.. output];
    }

    // webob.compat.parse_qsl_text, then MultiDict.get: the last value of the name; any pair that
    // does not decode as UTF-8 fails the whole parse (the generator raises inside req.GET).
    private static string? LastValue(string query)
    {
        var bytes = Latin1OrUtf8(query);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'+')
            {
                bytes[i] = (byte)' ';
            }
        }

        string? found = null;
        var span = bytes.AsSpan();
        foreach (var amp in span.Split((byte)'&'))
        {
            foreach (var semi in span[amp].Split((byte)';'))
            {
                var pair = span[amp][semi];
                if (pair.IsEmpty)
                {
                    continue;
                }

                var equals = pair.IndexOf((byte)'=');
                var rawName = equals < 0 ? pair : pair[..equals];
                var rawValue = equals < 0 ? [] : pair[(equals + 1)..];
                string name;
                string value;
                try
                {
                    name = StrictUtf8.GetString(WebobUnquote(rawName));
                    value = StrictUtf8.GetString(WebobUnquote(rawValue));
                }
                catch (DecoderFallbackException)
                {
                    return null;
                }

                if (name == Name)
                {
                    found = value;
                }
            }
        }

        return found;
    }

    // The raw target as bytes: Kestrel keeps Latin-1 characters as they came; anything wider is
    // taken as its UTF-8 bytes.
    private static byte[] Latin1OrUtf8(string text)
    {
        foreach (var c in text)
        {
            if (c > 0xFF)
            {
                return Encoding.UTF8.GetBytes(text);
            }
        }

        return Encoding.Latin1.GetBytes(text);
    }

    // Python's int(b, 16) over at most two bytes, then bytes([n]): ASCII whitespace around, an
    // optional sign, one or two hex digits; a negative value fails (bytes() takes 0-255 only).
    private static bool TryPythonHex(ReadOnlySpan<byte> two, out byte value)
    {
        value = 0;
        var text = two.Trim(" \t\n\v\f\r"u8);
        var negative = false;
        if (!text.IsEmpty && (text[0] == (byte)'+' || text[0] == (byte)'-'))
        {
            negative = text[0] == (byte)'-';
            text = text[1..];
        }

        if (text.IsEmpty)
        {
            return false;
        }

        var result = 0;
        foreach (var b in text)
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            result = (result * 16) + digit;
        }

        if (negative && result != 0)
        {
            return false;
        }

        value = (byte)result;
        return true;
    }
}
