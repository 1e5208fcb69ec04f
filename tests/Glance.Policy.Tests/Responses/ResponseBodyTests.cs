using Glance.Policy.Responses;
using Microsoft.AspNetCore.Http;

namespace Glance.Policy.Tests.Responses;

public sealed class ResponseBodyTests
{
    // What goes on the wire: Content-Length and body, by method and status. Only a 2xx to CONNECT
    // (as Kestrel parses it: upper case) has neither; HEAD has the length alone.
    [Theory]
    [InlineData("GET", 200, true, true)]
    [InlineData("POST", 201, true, true)]
    [InlineData("HEAD", 200, true, false)]
    [InlineData("CONNECT", 200, false, false)]
    [InlineData("CONNECT", 204, false, false)]
    [InlineData("CONNECT", 300, true, true)]
    [InlineData("CONNECT", 405, true, true)]
    [InlineData("connect", 200, true, true)]
    public async Task WriteAsync_ByMethodAndStatus_SendsTheLengthAndBodyHttpAllows(string method, int status, bool length, bool body)
    {
        var context = new DefaultHttpContext { Request = { Method = method }, Response = { StatusCode = status, Body = new MemoryStream() } };

        await ResponseBody.WriteAsync(context, "{\"a\": 1}"u8.ToArray());

        Assert.Equal(length ? 8 : null, context.Response.ContentLength);
        Assert.Equal(body ? 8 : 0, context.Response.Body.Length);
        Assert.Equal(!length, ResponseBody.IsForbidden(context));
    }
}
