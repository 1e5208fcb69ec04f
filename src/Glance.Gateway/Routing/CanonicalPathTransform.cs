using Glance.Policy.Routing;
using Yarp.ReverseProxy.Transforms;

namespace Glance.Gateway.Routing;

/// <summary>
/// The address a request is forwarded to: the destination, then the canonical path re-encoded
/// segment by segment (<see cref="RequestTarget.EncodedPath"/>), then the query as the client sent
/// it (and no version media type once the path carries the version). Built with URI canonicalisation off: <see cref="Uri"/> would otherwise resolve <c>..</c>
/// (even percent-encoded) and hand the backend another path than the one decided on.
/// </summary>
public static class CanonicalPathTransform
{
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <summary>Sets the proxy request's address from the request target.</summary>
    public static ValueTask ApplyAsync(RequestTransformContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = RequestTarget.Of(context.HttpContext);
        if (target.Kind == RequestTargetKind.Api && context.Path == context.HttpContext.Request.Path)
        {
            var prefix = context.DestinationPrefix.TrimEnd('/');
            context.ProxyRequest.RequestUri = new Uri(prefix + target.EncodedPath() + target.Query, Verbatim);

            // The version was negotiated from the media type and the path now names it: a Glance
            // behind would negotiate again from the same Accept (/v2/v2/...). Without it, its error
            // bodies are plain text, as they are for that media type.
            if (target.VersionFromMediaType)
            {
                context.ProxyRequest.Headers.Remove("Accept");
            }
        }

        return ValueTask.CompletedTask;
    }
}
