using Glance.Policy.Errors;
using Glance.Policy.Members;

namespace Glance.ImageStore.Members;

/// <summary>
/// Row 2 of CONFORMANCE.md section 1: <c>/v2/images//members/{member_id}</c> (a blank image id)
/// is a 405 for every method. Routing cannot see an empty segment, so this looks at the path
/// itself, after authentication (row 1) and before routing.
/// </summary>
internal sealed class BlankImageIdMiddleware(RequestDelegate next)
{
    private const string Prefix = "/v2/images//members";

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is null || !path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return next(context);
        }

        var rest = path.AsSpan(Prefix.Length);
        string allow;
        if (rest.IsEmpty || rest is "/")
        {
            allow = MemberDeletePolicy.MembersCollectionAllow;
        }
        else if (rest[0] == '/' && !rest[1..].TrimEnd('/').Contains('/'))
        {
            allow = MemberDeletePolicy.MemberPathAllow;
        }
        else
        {
            return next(context);
        }

        var decision = MemberDeletePolicy.CheckShape(context.Request.Method, string.Empty, hasBody: false)!;
        return GlanceErrorWriter.WriteAsync(context, decision.StatusCode, decision.Explanation!, allow);
    }
}
