using Glance.Policy.Routing;

namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// Keeps <see cref="ImageFactsCache"/> honest: an operation that may change an image's visibility,
/// owner or attributes (any routed operation on an image but GET and HEAD, the member resources
/// excepted) forgets the image before it is forwarded and again once the backend has answered,
/// so that no read racing the write can leave the old facts behind. The image is the one Glance's
/// router took from the path.
/// </summary>
public sealed class ImageWriteStep(ImageFactsCache cache)
{
    /// <summary>Runs the step.</summary>
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var imageId = cache.IsEnabled ? ChangedImage(Routing.GlanceRouterMiddleware.RoutingOf(context)) : null;
        if (imageId is null)
        {
            await next();
            return;
        }

        cache.Forget(imageId);
        try
        {
            await next();
        }
        finally
        {
            cache.Forget(imageId);
        }
    }

    /// <summary>The image id a routed request may change the facts of, or null.</summary>
    public static string? ChangedImage(GlanceRouting? routing)
    {
        if (routing is not { Operation: { } operation } || operation.Method is "GET" or "HEAD" || operation.Controller == "image_members")
        {
            return null;
        }

        return routing.Value("image_id") is { Length: > 0 } imageId ? imageId : null;
    }
}
