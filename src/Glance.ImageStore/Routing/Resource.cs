using Glance.ImageStore.Errors;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Glance.Policy.Routing;

namespace Glance.ImageStore.Routing;

/// <summary>
/// Small helpers shared by the feature endpoints: the router's decision for the request
/// (<see cref="GlanceRouterMiddleware"/>: which method and ids it routed), 405s with <c>Allow</c>,
/// the body-presence test, the 204 and JSON answers. Each resource maps one endpoint for its
/// path and switches on the routed method; only methods the route takes get there.
/// </summary>
internal static class Resource
{
    /// <summary>How Glance's router routed the request (set by <see cref="GlanceRouterMiddleware"/> before any endpoint runs).</summary>
    public static GlanceRouting Routing(HttpContext context) =>
        context.Features.Get<GlanceRouting>() ?? throw new InvalidOperationException("The request reached an endpoint without Glance's router.");

    /// <summary>The method Glance's router routed with (the request's, or its <c>_method</c> override); messages use the request's own.</summary>
    public static string Method(HttpContext context) => Routing(context).RoutingMethod;

    /// <summary>Writes Glance's 405 with the <c>Allow</c> header of the resource.</summary>
    public static Task MethodNotAllowedAsync(HttpContext context, string allow) =>
        GlanceErrorWriter.WriteAsync(context, 405, MemberDeletePolicy.MethodNotAllowed(context.Request.Method), allow);

    /// <summary>
    /// True when Glance sees a body (<see cref="GlanceRequestBody.HasBody"/>: a <c>Content-Length</c>
    /// above zero, or a transfer coding on POST, PUT or PATCH; a chunked DELETE has none).
    /// </summary>
    public static bool HasBody(HttpContext context)
    {
        var request = context.Request;
        return GlanceRequestBody.HasBody(request);
    }

    /// <summary>400 for DELETE with a body; true when it answered.</summary>
    public static async Task<bool> RejectBodyAsync(HttpContext context)
    {
        if (!HasBody(context))
        {
            return false;
        }

        await GlanceErrorWriter.WriteAsync(context, 400, GlanceErrorWriter.BodyNotExpected);
        return true;
    }

    /// <summary>
    /// A path parameter as Glance's router matched it (<c>image_id</c>, <c>member_id</c>): one
    /// canonical segment, decoded once (<c>%2F</c> can never be inside it: it split the path).
    /// </summary>
    public static string Id(HttpContext context, string name) => Routing(context).Value(name) ?? string.Empty;

    /// <summary>
    /// 204 as Glance sends it: no body, and the <c>Content-Type: text/html; charset=UTF-8</c> that
    /// webob gives every response a serializer leaves without one (image delete, upload, tags,
    /// deactivate, reactivate). <paramref name="contentType"/> false: none, as Glance's member
    /// delete (<c>webob.Response(body='', status=204)</c>) and the download of an image without
    /// data (webob's <c>HTTPNoContent</c>) have none.
    /// </summary>
    public static Task NoContentAsync(HttpContext context, bool contentType = true)
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        context.Response.ContentLength = 0;
        if (contentType)
        {
            context.Response.ContentType = "text/html; charset=UTF-8";
        }

        return Task.CompletedTask;
    }
}
