using Microsoft.AspNetCore.Http;

namespace Glance.Policy.Responses;

/// <summary>
/// How an answer that the gateway or the store writes itself sends its body: with its
/// Content-Length, as webob does, except where HTTP allows less. HEAD: the length, no body
/// (webob's). A 2xx answer to CONNECT: neither (RFC 9110 section 9.3.6; a client takes whatever
/// follows its headers for the tunnel). Kestrel refuses that Content-Length with an exception, and
/// would send that body chunked; Glance under eventlet sends both, so this is the one answer that
/// cannot be Glance's byte for byte: its status and its other headers are.
/// </summary>
public static class ResponseBody
{
    /// <summary>
    /// True when the answer, with the status it has now, may carry neither a Content-Length nor a
    /// body: a 2xx to <c>CONNECT</c>. The method is compared as Kestrel parses it, exactly: a
    /// lower-case <c>connect</c> is another method, whose answers carry both.
    /// </summary>
    public static bool IsForbidden(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Response.StatusCode is >= 200 and < 300
            && string.Equals(context.Request.Method, HttpMethods.Connect, StringComparison.Ordinal);
    }

    /// <summary>
    /// Declares a body of <paramref name="length"/> bytes (its Content-Length) where the answer may
    /// have one, and returns whether the body itself is to be written: false for HEAD and for a
    /// 2xx answer to CONNECT. Call it once the status is set.
    /// </summary>
    public static bool Declare(HttpContext context, long length)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (IsForbidden(context))
        {
            return false;
        }

        context.Response.ContentLength = length;
        return !HttpMethods.IsHead(context.Request.Method);
    }

    /// <summary>Declares <paramref name="body"/> and writes it (<see cref="Declare"/>); call it once the status is set.</summary>
    public static Task WriteAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Declare(context, body.Length)
            ? context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask()
            : Task.CompletedTask;
    }
}
