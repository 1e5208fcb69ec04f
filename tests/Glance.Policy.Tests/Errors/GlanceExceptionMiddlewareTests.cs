using Glance.Policy.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Glance.Policy.Tests.Errors;

public sealed class GlanceExceptionMiddlewareTests
{
    [Fact]
    public async Task Invoke_UnexpectedException_Writes500InGlanceFormat()
    {
        var middleware = new GlanceExceptionMiddleware(_ => throw new InvalidOperationException("boom"), NullLogger<GlanceExceptionMiddleware>.Instance);
        var context = new DefaultHttpContext();
        context.Request.Headers.Accept = "application/json";
        context.Response.Body = new MemoryStream();

        await middleware.InvokeAsync(context);

        Assert.Equal(500, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.Equal("{\"message\": \"The server has either erred or is incapable of performing the requested operation.<br /><br />\\n\\n\\n\", \"code\": \"500 Internal Server Error\", \"title\": \"Internal Server Error\"}", body);
        Assert.DoesNotContain("boom", body, StringComparison.Ordinal);
    }
}
