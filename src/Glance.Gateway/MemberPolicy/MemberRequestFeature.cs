using Glance.Policy.Routing;

namespace Glance.Gateway.MemberPolicy;

/// <summary>
/// A request on Glance's member resources, parsed once from the request target by
/// <see cref="MemberPathShapeStep"/> and read by every later step (the pre-check, the audit).
/// </summary>
public sealed class MemberRequestFeature(MemberPath path)
{
    /// <summary>The member path or collection.</summary>
    public MemberPath Path { get; } = path;

    /// <summary>The member path of the request, parsing it the first time; false when it is not one.</summary>
    public static bool TryGet(HttpContext context, out MemberPath path)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<MemberRequestFeature>() is { } feature)
        {
            path = feature.Path;
            return true;
        }

        if (!MemberPath.TryParse(RequestTarget.Of(context), out path))
        {
            return false;
        }

        context.Features.Set(new MemberRequestFeature(path));
        return true;
    }
}
