using System.Text;
using Glance.Policy.Responses;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Glance.Policy.Errors;

/// <summary>
/// The one place that turns a status and an explanation into Glance's error response on an
/// <see cref="HttpContext"/>; the gateway and the store both answer through it.
/// </summary>
public static class GlanceErrorWriter
{
    /// <summary>Writes an error in the format the request's Accept header chooses.</summary>
    /// <param name="context">The request.</param>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="explanation">The explanation text (unescaped).</param>
    /// <param name="allow">The <c>Allow</c> header of a 405, when there is one.</param>
    /// <param name="detail">webob's detail, the line after the explanation (unescaped), when Glance passes its message as one.</param>
    public static Task WriteAsync(HttpContext context, int statusCode, string explanation, string? allow = null, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        response.StatusCode = statusCode;
        if (allow is not null)
        {
            response.Headers.Allow = allow;
        }

        // webob renders no body for HEAD and keeps its default type whatever Accept says
        // (observed on Glance 25: text/html, Content-Length 0).
        if (HttpMethods.IsHead(context.Request.Method))
        {
            response.ContentType = GlanceErrorBody.HtmlContentType;
            response.ContentLength = 0;
            return Task.CompletedTask;
        }

        var format = AcceptNegotiation.Choose(context.Request.Headers.Accept.ToString());
        var rendered = GlanceErrorBody.Render(statusCode, explanation, format, detail);
        response.ContentType = rendered.ContentType;
        return ResponseBody.WriteAsync(context, Encoding.UTF8.GetBytes(rendered.Body));
    }

    /// <summary>
    /// A 401 exactly as keystonemiddleware sends it, with its <c>WWW-Authenticate</c> challenge.
    /// </summary>
    public static Task WriteUnauthorizedAsync(HttpContext context, string identityUri)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers[HeaderNames.WWWAuthenticate] = $"Keystone uri=\"{identityUri}\"";
        return WriteAsync(context, 401, Unauthorized);
    }

    /// <summary>The 401 explanation keystonemiddleware (webob) uses.</summary>
    public const string Unauthorized =
        "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.";

    /// <summary>webob's HTTPNotFound explanation, for a path no route takes.</summary>
    public const string ResourceNotFound = "The resource could not be found.";

    /// <summary>The 413 explanation for a request body over the limit.</summary>
    public const string BodyTooLarge = "The request body is too large.";

    /// <summary>Glance's 400 for a request that must not carry a body (DELETE).</summary>
    public const string BodyNotExpected = "A body is not expected with this request.";

    /// <summary>The 500 explanation.</summary>
    public const string InternalError =
        "The server has either erred or is incapable of performing the requested operation.";

    /// <summary>keystonemiddleware's 503 when Keystone cannot be reached.</summary>
    public const string KeystoneUnavailable = "The Keystone service is temporarily unavailable.";
}
