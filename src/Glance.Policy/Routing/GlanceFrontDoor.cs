using Microsoft.AspNetCore.Http;

namespace Glance.Policy.Routing;

/// <summary>
/// What Glance's pipeline does before authentication (cors, versionnegotiation), for the gateway
/// and the store alike: the request target is computed once from the raw target and kept;
/// <c>OPTIONS</c> is answered 200, empty, no request id; a request without an accepted version
/// gets the versions document (300; 200 for <c>/versions</c>); anything else goes on with
/// <c>Request.Path</c> set to the canonical path, so that routing sees what Glance's router sees.
/// </summary>
public static class GlanceFrontDoor
{
    /// <summary>
    /// Runs the steps; returns the answer being written when the request ends here, or null when
    /// it goes on (with its target kept and <c>Request.Path</c> canonical).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="versions">The API versions the server accepts.</param>
    /// <param name="baseUrl">The URL the versions document links to.</param>
    public static Task? TryAnswer(HttpContext context, GlanceApiVersions versions, Func<HttpRequest, string> baseUrl)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(versions);
        ArgumentNullException.ThrowIfNull(baseUrl);
        var request = context.Request;
        var target = RequestTarget.Parse(request.Method, RequestTarget.RawTargetOf(context), request.Headers.Accept.ToString(), versions);
        RequestTarget.Set(context, target);
        switch (target.Kind)
        {
            case RequestTargetKind.Options:
                // oslo.middleware's CORS layer: 200, no body, no Content-Type.
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentLength = 0;
                return Task.CompletedTask;
            case RequestTargetKind.Versions:
            case RequestTargetKind.VersionChoices:
                return versions.WriteAsync(context, target.Kind == RequestTargetKind.Versions, baseUrl(request));
            default:
                request.Path = target.Path;
                return null;
        }
    }
}
