using Glance.Policy.Errors;
using Glance.Policy.Members;
using Glance.Policy.Operations;
using Glance.Policy.Routing;

namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// Row 2 of CONFORMANCE.md section 1, the seed's requirement, on whichever route it arrives: a
/// member path with a blank image id (<c>/v2/images//members/…</c>), which Glance's router does not
/// route (it answers 404), is a 405 at the edge, any method. Every other shape row is the router's
/// (a method the path does not take: 405) or the edge decision's (a body on DELETE: 400).
/// </summary>
public sealed class MemberPathShapeStep
{
    /// <summary>Runs the step.</summary>
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var target = RequestTarget.Of(context);
        if (!target.HasBlankImageId || !MemberPath.TryParse(target, out var path))
        {
            await next();
            return;
        }

        var edge = EdgeRequestFeature.Anticipate(context)!;
        var decision = MemberDeletePolicy.CheckShape(context.Request.Method, path.ImageId, hasBody: false)!;
        edge.Decide(edge.CodedRefusal(decision.Rule, decision.StatusCode, decision.Explanation));
        await GlanceErrorWriter.WriteAsync(
            context, decision.StatusCode, decision.Explanation!, path.IsMember ? MemberDeletePolicy.MemberPathAllow : MemberDeletePolicy.MembersCollectionAllow);
    }
}
