using Glance.Policy.Errors;
using Microsoft.AspNetCore.Http;

namespace Glance.Policy.Tests.Errors;

/// <summary>The error writer on a request with no server: status, type, length and body as webob sends them.</summary>
public sealed class GlanceErrorWriterTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task WriteAsync_Head_IsHtmlTypedWithNoBodyWhateverTheAccept(string? accept)
    {
        var context = NewContext("HEAD", accept);

        await GlanceErrorWriter.WriteAsync(context, 405, "The method HEAD is not allowed for this resource. ", "GET, PUT, DELETE");

        Assert.Equal(405, context.Response.StatusCode);
        Assert.Equal("text/html; charset=UTF-8", context.Response.ContentType);
        Assert.Equal(0, context.Response.ContentLength);
        Assert.Equal("GET, PUT, DELETE", context.Response.Headers.Allow.ToString());
        Assert.Equal(0, context.Response.Body.Length);
    }

    [Theory]
    [InlineData(null, "text/plain; charset=UTF-8")]
    [InlineData("application/json", "application/json")]
    [InlineData("*/*", "text/html; charset=UTF-8")]
    public async Task WriteAsync_Get_BodyFormatFollowsAccept(string? accept, string contentType)
    {
        var context = NewContext("GET", accept);

        await GlanceErrorWriter.WriteAsync(context, 404, "Image x not found.");

        Assert.Equal(contentType, context.Response.ContentType);
        Assert.True(context.Response.Body.Length > 0);
        Assert.Equal(context.Response.Body.Length, context.Response.ContentLength);
    }

    private static DefaultHttpContext NewContext(string method, string? accept)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        context.Response.Body = new MemoryStream();
        return context;
    }
}
