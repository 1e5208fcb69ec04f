using Glance.Policy.Errors;

namespace Glance.Policy.Tests.Errors;

/// <summary>CONFORMANCE.md section 2: the three webob error formats, byte for byte.</summary>
public sealed class GlanceErrorBodyTests
{
    private const string Explanation = "Image 5e8ad6dc-83fc-4f45-8db3-06690a73a2c7 not found.";
    private const string MethodText = "The method POST is not allowed for this resource. ";

    [Fact]
    public void Render_Html404_MatchesWebobTemplate()
    {
        var rendered = GlanceErrorBody.Render(404, Explanation, GlanceErrorFormat.Html);

        Assert.Equal("text/html; charset=UTF-8", rendered.ContentType);
        Assert.Equal(
            "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  " + Explanation + "<br /><br />\n\n\n\n </body>\n</html>",
            rendered.Body);
    }

    [Fact]
    public void Render_Html405_EndsWithTheShorterTemplate()
    {
        var rendered = GlanceErrorBody.Render(405, MethodText, GlanceErrorFormat.Html);

        Assert.EndsWith("  The method POST is not allowed for this resource. <br /><br />\n\n </body>\n</html>", rendered.Body, StringComparison.Ordinal);
        Assert.Contains("<title>405 Method Not Allowed</title>", rendered.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Json404_MatchesPythonJsonDumps()
    {
        var rendered = GlanceErrorBody.Render(404, Explanation, GlanceErrorFormat.Json);

        Assert.Equal("application/json", rendered.ContentType);
        Assert.Equal(
            "{\"message\": \"" + Explanation + "<br /><br />\\n\\n\\n\", \"code\": \"404 Not Found\", \"title\": \"Not Found\"}",
            rendered.Body);
    }

    [Fact]
    public void Render_Json405_HasOneNewline()
    {
        var rendered = GlanceErrorBody.Render(405, MethodText, GlanceErrorFormat.Json);

        Assert.Equal(
            "{\"message\": \"The method POST is not allowed for this resource. <br /><br />\\n\", \"code\": \"405 Method Not Allowed\", \"title\": \"Method Not Allowed\"}",
            rendered.Body);
    }

    [Fact]
    public void Render_Plain404_StripsTagsLikeWebob()
    {
        var rendered = GlanceErrorBody.Render(404, Explanation, GlanceErrorFormat.Plain);

        Assert.Equal("text/plain; charset=UTF-8", rendered.ContentType);
        Assert.Equal("404 Not Found\n\n" + Explanation + "\n\n   ", rendered.Body);
    }

    [Fact]
    public void Render_Plain405_EndsWithOneSpace()
    {
        var rendered = GlanceErrorBody.Render(405, MethodText, GlanceErrorFormat.Plain);

        Assert.Equal("405 Method Not Allowed\n\nThe method POST is not allowed for this resource. \n\n ", rendered.Body);
    }

    [Fact]
    public void Render_HtmlWithMarkupInExplanation_IsEscaped()
    {
        var rendered = GlanceErrorBody.Render(404, "<script>alert('x')</script> & \"é\" not found.", GlanceErrorFormat.Html);

        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;&#233;&quot; not found.", rendered.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", rendered.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_JsonWithNonAscii_EscapesLikeEnsureAscii()
    {
        var rendered = GlanceErrorBody.Render(404, "é\"\\ not found.", GlanceErrorFormat.Json);

        Assert.StartsWith("{\"message\": \"\\u00e9\\\"\\\\ not found.", rendered.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, "401 Unauthorized")]
    [InlineData(403, "403 Forbidden")]
    [InlineData(400, "400 Bad Request")]
    [InlineData(413, "413 Request Entity Too Large")]
    [InlineData(500, "500 Internal Server Error")]
    [InlineData(503, "503 Service Unavailable")]
    public void StatusLine_KnownStatus_UsesWebobPhrase(int status, string expected)
    {
        Assert.Equal(expected, GlanceErrorBody.StatusLine(status));
    }
}
