using Microsoft.AspNetCore.Http;

namespace Glance.Policy.Routing;

/// <summary>
/// The request target every decision reads (ARCHITECTURE step 0): the path segments as Glance's
/// router sees them, computed once per request. Today it is taken from ASP.NET Core's decoded
/// <c>Path</c> (in which Kestrel keeps <c>%2F</c> encoded); the routing work computes it from the
/// raw target by CONFORMANCE section 6 behind the same type.
/// </summary>
public sealed class RequestTarget
{
    private RequestTarget(string path) => Path = path;

    /// <summary>The path the decisions use.</summary>
    public string Path { get; }

    /// <summary>The target of <paramref name="path"/>.</summary>
    public static RequestTarget From(PathString path) => new(path.Value ?? "/");

    /// <summary>The target of a request, computed once and kept in its features.</summary>
    public static RequestTarget Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<RequestTargetFeature>();
        if (feature is null)
        {
            feature = new RequestTargetFeature(From(context.Request.Path));
            context.Features.Set(feature);
        }

        return feature.Target;
    }

    /// <inheritdoc />
    public override string ToString() => Path;

    private sealed record RequestTargetFeature(RequestTarget Target);
}
