using Glance.Gateway.EdgePolicy;
using Glance.Policy.Operations;
using Glance.Policy.Members;
using Glance.Policy.Routing;
using Microsoft.AspNetCore.Http.Features;

namespace Glance.Gateway.Routing;

/// <summary>
/// Glance's v2 router at the edge, after authentication as in Glance's pipeline
/// (<see cref="GlanceRoutes"/>): the routing method (Routes' <c>_method</c> override, from the
/// query or a form POST's body), then what the router answers itself is answered here and never
/// forwarded: no route → 404 (501 for a method Glance does not implement), <c>/v2</c> → 302, a
/// method the route does not take → 405 with <c>Allow</c> (left to the backend when a body is
/// sent, which Glance's reject route parses first). An operation continues, with the routing kept
/// for the later steps: the member-DELETE pre-check keys on the operation, not on the method sent.
/// </summary>
public sealed class GlanceRouterMiddleware(RequestDelegate next, Microsoft.Extensions.Options.IOptions<GlanceRoutingOptions> options, OperatorPaths operatorPaths)
{
    private const long MaxFormBytes = 64 * 1024;
    private readonly GlanceRoutingOptions _options = options.Value;

    /// <summary>The routing of a request that passed the router, or null.</summary>
    public static GlanceRouting? RoutingOf(HttpContext context) => context?.Features.Get<GlanceRouting>();

    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var target = RequestTarget.Of(context);
        if (target.Kind != RequestTargetKind.Api || target.HasBlankImageId || operatorPaths.Contains(request.Path))
        {
            await next(context);
            return;
        }

        string? form = null;
        if (GlanceMethodOverride.ConsultsForm(request.Method, target.Query, request.ContentType) && GlanceRequestBody.HasBody(request))
        {
            form = await ReadFormOverrideAsync(request);
        }

        var routing = GlanceRoutes.Resolve(target, request.Method, form);
        context.Features.Set(routing);
        if (routing.Outcome == GlanceRouteOutcome.Operation)
        {
            EdgeRequestFeature.Attach(context, routing);
        }

        var forward = routing.Outcome == GlanceRouteOutcome.Operation
            || (routing.Outcome == GlanceRouteOutcome.MethodNotAllowed && GlanceRequestBody.HasBody(request) && !HttpMethods.IsConnect(request.Method));
        if (forward)
        {
            await next(context);
            return;
        }

        if (routing.Outcome == GlanceRouteOutcome.MethodNotAllowed && MemberPath.TryParse(target, out var path))
        {
            // CONFORMANCE row 3: audited as the seed's member-path rows were.
            var edge = new EdgeRequestFeature(EdgeRequestFeature.MemberPathOperation, path.ImageId, path.MemberId);
            context.Features.Set(edge);
            edge.Decide(edge.CodedRefusal(MemberDeleteRule.MethodNotAllowed, 405, routing.Explanation, routing.Allow));
        }

        await routing.WriteAsync(context, _options.BaseUrl(request));
    }

    // Routes' req.POST.get('_method'): the last _method field of a small form, read from a
    // buffered body that is then forwarded from the start. A form that does not parse, or is
    // larger than 64 KiB, overrides nothing (and the backend judges it the same way).
    private static async Task<string?> ReadFormOverrideAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxFormBytes)
        {
            return null;
        }

        request.EnableBuffering(bufferThreshold: (int)MaxFormBytes, bufferLimit: MaxFormBytes);
        try
        {
            var form = await new FormFeature(request, new FormOptions { BufferBody = true, ValueCountLimit = 1024, MultipartBodyLengthLimit = MaxFormBytes })
                .ReadFormAsync(request.HttpContext.RequestAborted);
            var values = form["_method"];
            return values.Count > 0 ? values[^1] : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return null;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }
}
