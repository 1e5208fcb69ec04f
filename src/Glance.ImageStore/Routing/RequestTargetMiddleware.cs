using Glance.Policy.Routing;

namespace Glance.ImageStore.Routing;

/// <summary>
/// The store's first step (CONFORMANCE section 6), before the request id and authentication, as
/// in Glance's pipeline (cors, healthcheck, versionnegotiation, authtoken): <c>/healthcheck</c> is
/// answered; the request target is computed once from the raw target
/// (<see cref="RequestTarget.Parse"/> with the <see cref="GlanceApiVersions"/> of one store, with
/// or without an image cache: <see cref="ImageCacheOptions.Enabled"/>); <c>OPTIONS</c> is answered 200, empty; a request without an
/// accepted version gets the versions document (<see cref="GlanceApiVersions.WriteAsync"/>: 300,
/// or 200 for <c>/versions</c>); anything else goes on with <c>Request.Path</c> set to the
/// canonical path. Behind the gateway the store receives the canonical path re-encoded, which
/// parses to the same target.
/// </summary>
internal sealed class RequestTargetMiddleware(RequestDelegate next, Microsoft.Extensions.Options.IOptions<ImageStoreOptions> options)
{
    private readonly GlanceApiVersions _versions = new(imageCache: options.Value.ImageCache.Enabled);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (Healthcheck.IsHealthcheck(request))
        {
            return Healthcheck.WriteAsync(context);
        }

        return GlanceFrontDoor.TryAnswer(context, _versions, BaseUrl) ?? next(context);
    }

    /// <summary>The URL the request came in on (Glance without <c>public_endpoint</c>: <c>req.host_url</c> + the script name).</summary>
    public static string BaseUrl(HttpRequest request) => request.Scheme + "://" + request.Host.Value + request.PathBase;
}
