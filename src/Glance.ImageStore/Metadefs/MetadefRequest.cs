using System.Text;
using Glance.ImageStore.Routing;

namespace Glance.ImageStore.Metadefs;

/// <summary>
/// The query of a metadef request as webob's <c>request.params</c> holds it, and Glance's 500.
/// What the deserializers check of a body is <see cref="MetadefBodies"/>, shared with the edge.
/// </summary>
internal static class MetadefRequest
{
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
}
