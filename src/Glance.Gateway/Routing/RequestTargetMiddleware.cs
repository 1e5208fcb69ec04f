using Glance.Policy.Routing;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Routing;

/// <summary>
/// Step 0 of the request's path (CONFORMANCE section 6), before the request id and before
/// authentication, as in Glance's pipeline (cors, healthcheck, versionnegotiation, authtoken):
/// <c>OPTIONS</c> is answered 200 and empty; the health endpoints pass; a request without an
/// accepted version gets the versions document (300; 200 for <c>/versions</c>); anything else
/// continues with <c>Request.Path</c> set to the canonical path, so that routing, every decision
/// and the forwarded address (<see cref="CanonicalPathTransform"/>) see what Glance's router sees.
/// </summary>
public sealed class RequestTargetMiddleware(RequestDelegate next, IOptions<GlanceRoutingOptions> options, OperatorPaths operatorPaths)
{
    private readonly GlanceApiVersions _versions = new(options.Value.ImageCache, options.Value.MultipleStores);
    private readonly GlanceRoutingOptions _options = options.Value;

    /// <summary>Runs the middleware.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (operatorPaths.Contains(request.Path) && !HttpMethods.IsOptions(request.Method))
        {
            return next(context);
        }

        return GlanceFrontDoor.TryAnswer(context, _versions, _options.BaseUrl) ?? next(context);
    }
}
