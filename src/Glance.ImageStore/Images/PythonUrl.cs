using System.Text;

namespace Glance.ImageStore.Images;

/// <summary>Python's <c>dict()</c> of a webob <c>MultiDict</c> and <c>urllib.parse.urlencode</c> of it, for Glance's listing links.</summary>
internal static class PythonUrl
{
    /// <summary><c>dict(multidict)</c>: each name once, where it first appears, with its last value.</summary>
    public static List<KeyValuePair<string, string>> DictOf(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var order = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            if (!values.ContainsKey(key))
            {
                order.Add(key);
            }

            values[key] = value;
        }

        return [.. order.Select(key => new KeyValuePair<string, string>(key, values[key]))];
    }

    /// <summary><c>urlencode</c>: <c>quote_plus</c> of each name and value (UTF-8; letters, digits and <c>_.-~</c> kept; a space is <c>+</c>).</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> pairs) =>
        string.Join('&', pairs.Select(pair => QuotePlus(pair.Key) + "=" + QuotePlus(pair.Value)));

    private static string QuotePlus(string text)
    {
        var builder = new StringBuilder(text.Length);
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

        return builder.ToString();
    }
}
