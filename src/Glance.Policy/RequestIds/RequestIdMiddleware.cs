using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Glance.Policy.RequestIds;

/// <summary>
/// Puts the request id on the request (so a proxied backend sees the same one) and on every
/// response, before anything else runs.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next)
{
    /// <summary>Runs the middleware.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = RequestId.FromClient(context.Request.Headers[RequestId.HeaderName].ToString());
        context.Request.Headers[RequestId.HeaderName] = id;
        context.TraceIdentifier = id;
        context.Response.OnStarting(static state =>
        {
            var (response, value) = ((HttpResponse, string))state;
            response.Headers[RequestId.HeaderName] = value;
            return Task.CompletedTask;
        }, (context.Response, id));
        return next(context);
    }
}

/// <summary>Registration of <see cref="RequestIdMiddleware"/>.</summary>
public static class RequestIdApplicationBuilderExtensions
{
    /// <summary>Adds <c>X-Openstack-Request-Id</c> handling; call it first in the pipeline.</summary>
    public static IApplicationBuilder UseOpenStackRequestId(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestIdMiddleware>();
}
