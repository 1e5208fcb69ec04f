namespace Glance.Policy.Operations;

/// <summary>A request's query as the metadef controllers read it.</summary>
public static class MetadefQuery
{
    /// <summary>
    /// webob's <c>request.params</c> as a Python dict: the query's pairs in order, a repeated name
    /// keeping its first place and its last value.
    /// </summary>
    public static List<KeyValuePair<string, string>> Parse(string? query)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(query))
        {
            return result;
        }

        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
            var index = result.FindIndex(p => p.Key == name);
            if (index >= 0)
            {
                result[index] = new(name, value);
            }
            else
            {
                result.Add(new(name, value));
            }
        }

        return result;
    }

    /// <summary>The value of <paramref name="name"/>, or null.</summary>
    public static string? Get(IReadOnlyList<KeyValuePair<string, string>> parameters, string name)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var (key, value) in parameters)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
