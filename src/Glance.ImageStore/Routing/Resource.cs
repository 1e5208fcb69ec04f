using Glance.ImageStore.Errors;
using Glance.Policy.Errors;
using Glance.Policy.Members;

namespace Glance.ImageStore.Routing;

/// <summary>
/// Small helpers shared by the feature endpoints: 405s with <c>Allow</c>, the body-presence test,
/// path ids, the 204 and JSON answers. Each resource maps one endpoint for its path and switches
/// on the method itself, so a method it does not take gets Glance's 405 rather than routing's.
/// </summary>
internal static class Resource
{
    /// <summary>Writes Glance's 405 with the <c>Allow</c> header of the resource.</summary>
    public static Task MethodNotAllowedAsync(HttpContext context, string allow) =>
        GlanceErrorWriter.WriteAsync(context, 405, MemberDeletePolicy.MethodNotAllowed(context.Request.Method), allow);

    /// <summary>True when the request carries a body (a positive Content-Length or a chunked body).</summary>
    public static bool HasBody(HttpContext context)
    {
        var detection = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>();
        return detection?.CanHaveBody ?? context.Request.ContentLength > 0;
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
    /// The id in path segment <paramref name="segment"/> (0-based, after the leading '/'), decoded
    /// once from the raw request target. Kestrel decodes the path except <c>%2F</c>, so the routed
    /// value cannot tell <c>%2F</c> from <c>%252F</c>; the raw segment can, and a decoded
    /// <c>%2F</c> is a '/' inside the id, never a segment break.
    /// </summary>
    public static string Id(HttpContext context, string name, int segment)
    {
        var value = context.Request.RouteValues[name] as string ?? string.Empty;
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var segments = (query < 0 ? raw : raw[..query]).Split('/');
        return segments.Length > segment + 1 ? Uri.UnescapeDataString(segments[segment + 1]) : value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>204 exactly as Glance sends it: Content-Length 0, no Content-Type, no body.</summary>
    public static Task NoContentAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}
