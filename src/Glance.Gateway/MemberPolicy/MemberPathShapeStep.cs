using Glance.Policy.Errors;
using Glance.Policy.Members;
using Glance.Policy.Routing;

namespace Glance.Gateway.MemberPolicy;

/// <summary>
/// Rows 2-4 of CONFORMANCE.md section 1, decided at the edge on whichever route a member path
/// arrives (a blank image id does not match the member route's template): a blank image id, a
/// method the member path does not take, DELETE on the members collection, and DELETE with a body.
/// It parses the member path of the request once, for every later step.
/// </summary>
public sealed class MemberPathShapeStep
{
    /// <summary>Runs the step.</summary>
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var member = MemberRequestFeature.Of(context);
        if (member is null)
        {
            await next();
            return;
        }

        var path = member.Path;
        // The method Glance's router routed with (a _method override included).
        var method = Routing.GlanceRouterMiddleware.RoutingOf(context)?.RoutingMethod ?? context.Request.Method;
        MemberDeleteDecision? decision;
        string allow;
        if (path.IsMember)
        {
            decision = MemberDeletePolicy.CheckShape(method, path.ImageId, GlanceRequestBody.HasBody(context.Request));
            allow = MemberDeletePolicy.MemberPathAllow;
        }
        else if (HttpMethods.IsDelete(method))
        {
            decision = MemberDeletePolicy.CheckShape(method, path.ImageId, hasBody: false)
                ?? new MemberDeleteDecision(MemberDeleteRule.MethodNotAllowed, 405, MemberDeletePolicy.MethodNotAllowed(method));
            allow = MemberDeletePolicy.MembersCollectionAllow;
        }
        else
        {
            await next();
            return;
        }

        if (decision is null)
        {
            await next();
            return;
        }

        member.Decide(decision.Rule);
        await GlanceErrorWriter.WriteAsync(context, decision.StatusCode, decision.Explanation!, decision.StatusCode == 405 ? allow : null);
    }
}
