using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Glance.Policy.Errors;

/// <summary>
/// Renders Glance's error bodies byte for byte as webob does (CONFORMANCE.md section 2): the same
/// templates, the same HTML escaping, the same tag stripping for text/plain and the same JSON
/// spacing as Python's <c>json.dumps</c>.
/// </summary>
public static partial class GlanceErrorBody
{
    /// <summary>
    /// webob's 415 text: its template names the request's Content-Type, which eventlet sets to
    /// <c>text/plain</c> when the request had none.
    /// </summary>
    public static string UnsupportedMediaType(string? contentType) =>
        $"The request media type {(string.IsNullOrEmpty(contentType) ? "text/plain" : contentType)} is not supported by this server.";

    /// <summary>webob's HTML content type (also the type of every HEAD error).</summary>
    public const string HtmlContentType = "text/html; charset=UTF-8";

    /// <summary>A rendered error: its content type and body.</summary>
    public readonly record struct Rendered(string ContentType, string Body);

    /// <summary>
    /// webob's default explanation of a status, which comes first when Glance raises
    /// <c>HTTPForbidden(msg)</c> / <c>HTTPConflict(msg)</c> with the message as the <em>detail</em>.
    /// </summary>
    public static string DefaultExplanation(int statusCode) => statusCode switch
    {
        400 => "The server could not comply with the request since it is either malformed or otherwise incorrect.",
        403 => "Access was denied to this resource.",
        404 => "The resource could not be found.",
        409 => "There was a conflict when trying to complete your request.",
        _ => throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "No webob default explanation is needed for this status."),
    };

    /// <summary>Renders the body of an error for the given status, explanation, format and (webob's second line) detail.</summary>
    public static Rendered Render(int statusCode, string explanation, GlanceErrorFormat format, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var status = StatusLine(statusCode);
        var title = ReasonPhrase(statusCode);
        return format switch
        {
            GlanceErrorFormat.Html => new(HtmlContentType,
                "<html>\n <head>\n  <title>" + status + "</title>\n </head>\n <body>\n  <h1>" + status + "</h1>\n  "
                + Template(statusCode, HtmlEscape(explanation), detail is null ? null : HtmlEscape(detail)) + "\n </body>\n</html>"),
            GlanceErrorFormat.Json => new("application/json",
                "{\"message\": " + JsonString(Template(statusCode, explanation, detail)) + ", \"code\": " + JsonString(status)
                + ", \"title\": " + JsonString(title) + "}"),
            _ => new("text/plain; charset=UTF-8", status + "\n\n" + StripTags(Template(statusCode, explanation, detail))),
        };
    }

    /// <summary>The status line text webob uses, such as <c>404 Not Found</c>.</summary>
    public static string StatusLine(int statusCode) => statusCode.ToString(CultureInfo.InvariantCulture) + " " + ReasonPhrase(statusCode);

    /// <summary>webob's reason phrases (they differ from .NET's for 413).</summary>
    public static string ReasonPhrase(int statusCode) => statusCode switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => ReasonPhrases(statusCode),
    };

    private static string ReasonPhrases(int statusCode)
    {
        var phrase = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(statusCode);
        return phrase.Length == 0 ? "Unknown" : phrase;
    }

    // webob's body_template: "${explanation}<br /><br />\n${detail}\n${html_comment}\n"; the 405
    // class has its own: "The method ... resource. <br /><br />\n${detail}".
    // webob's own body templates: 405 and 415 override the default (415's puts a newline before
    // its <br />), which is why their bodies end differently.
    private static string Template(int statusCode, string explanation, string? detail) => statusCode switch
    {
        405 => explanation + "<br /><br />\n",
        415 => explanation + "\n<br /><br />\n",
        _ => explanation + "<br /><br />\n" + detail + "\n\n",
    };

    // webob.util.html_escape: html.escape(quote=True) then non-ASCII as character references.
    private static string HtmlEscape(string value)
    {
        var builder = new StringBuilder(value.Length + 16);
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#x27;"); break;
                default:
                    if (rune.Value < 128)
                    {
                        builder.Append((char)rune.Value);
                    }
                    else
                    {
                        builder.Append("&#").Append(rune.Value.ToString(CultureInfo.InvariantCulture)).Append(';');
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    // webob.exc.strip_tags.
    private static string StripTags(string value)
    {
        value = value.Replace("\n", " ", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal);
        value = BreakTag().Replace(value, "\n");
        value = CommentTag().Replace(value, string.Empty);
        return AnyTag().Replace(value, string.Empty);
    }

    // Python's json.dumps with ensure_ascii: \uXXXX for everything outside printable ASCII.
    internal static string JsonString(string value)
    {
        var builder = new StringBuilder(value.Length + 8).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    [GeneratedRegex("<br.*?>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex BreakTag();

    [GeneratedRegex("<!--|-->", RegexOptions.Singleline)]
    private static partial Regex CommentTag();

    [GeneratedRegex("<.*?>", RegexOptions.Singleline)]
    private static partial Regex AnyTag();
}
