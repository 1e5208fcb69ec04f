using System.Text;
using Glance.Policy.Errors;
using Microsoft.AspNetCore.Http;

namespace Glance.Policy.Routing;

/// <summary>What Glance's v2 router does with a request (<see cref="GlanceRoutes.Resolve"/>).</summary>
public enum GlanceRouteOutcome
{
    /// <summary>A route takes the routing method: <see cref="GlanceRouting.Operation"/> runs.</summary>
    Operation,

    /// <summary>The path is a route's but the method is not one it takes: its reject route, 405 with <c>Allow</c>.</summary>
    MethodNotAllowed,

    /// <summary><c>/v2</c> itself: wsgi.py's <c>mapper.redirect("", "/")</c>, 302 to <c>/v2/</c>, any method.</summary>
    Redirect,

    /// <summary>No route: wsgi.py <c>Router._dispatch</c>, 404 <c>The resource could not be found.</c></summary>
    NotFound,

    /// <summary>No route and a method Glance does not implement (not GET, HEAD, POST, PUT, DELETE, PATCH): <c>Router._dispatch</c>'s 501.</summary>
    NotImplemented,
}

/// <summary>
/// The router's answer for one request: the outcome, the route and operation, the route's
/// parameter values, and the method Routes matched with (<see cref="RoutingMethod"/>, which the
/// <c>_method</c> override may have changed; the controller and every error message see
/// <see cref="Method"/>, the request's own).
/// </summary>
public sealed class GlanceRouting
{
    private static readonly Dictionary<string, string> NoValues = [];

    internal GlanceRouting(GlanceRouteOutcome outcome, string method, string routingMethod, GlanceRoute? route, GlanceRouteMethod? operation, IReadOnlyDictionary<string, string>? values)
    {
        Outcome = outcome;
        Method = method;
        RoutingMethod = routingMethod;
        Route = route;
        Operation = operation;
        Values = values ?? NoValues;
    }

    /// <summary>What the router does.</summary>
    public GlanceRouteOutcome Outcome { get; }

    /// <summary>The request's method, as sent (what the 405 and 501 messages name).</summary>
    public string Method { get; }

    /// <summary>The method Routes matched routes with: <see cref="Method"/>, or the upper-cased <c>_method</c> of the query (or of a form POST's body).</summary>
    public string RoutingMethod { get; }

    /// <summary>True when <c>_method</c> changed the method routes were matched with.</summary>
    public bool IsOverridden => !string.Equals(Method, RoutingMethod, StringComparison.Ordinal);

    /// <summary>The route whose template the path matched (null for <see cref="GlanceRouteOutcome.NotFound"/> and <see cref="GlanceRouteOutcome.NotImplemented"/>).</summary>
    public GlanceRoute? Route { get; }

    /// <summary>The operation for <see cref="GlanceRouteOutcome.Operation"/>, else null.</summary>
    public GlanceRouteMethod? Operation { get; }

    /// <summary>The template's parameters as Routes matched them (<c>image_id</c>, <c>member_id</c>, ...); empty without a route.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The HTTP status the router itself answers: 302, 404, 405 or 501; 0 for an operation.</summary>
    public int StatusCode => Outcome switch
    {
        GlanceRouteOutcome.Redirect => StatusCodes.Status302Found,
        GlanceRouteOutcome.NotFound => StatusCodes.Status404NotFound,
        GlanceRouteOutcome.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        GlanceRouteOutcome.NotImplemented => StatusCodes.Status501NotImplemented,
        _ => 0,
    };

    /// <summary>The <c>Allow</c> header of a 405, else null.</summary>
    public string? Allow => Outcome == GlanceRouteOutcome.MethodNotAllowed ? Route!.Allow : null;

    /// <summary>The explanation of the router's error (404, 405, 501), else null.</summary>
    public string? Explanation => Outcome switch
    {
        GlanceRouteOutcome.NotFound => GlanceErrorWriter.ResourceNotFound,
        GlanceRouteOutcome.MethodNotAllowed => GlanceRoutes.MethodNotAllowed(Method),
        GlanceRouteOutcome.NotImplemented => GlanceRoutes.NotImplemented(Method),
        _ => null,
    };

    /// <summary>The value of a route parameter, or null.</summary>
    public string? Value(string name) => Values.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Writes the router's own answer (anything but <see cref="GlanceRouteOutcome.Operation"/>) as
    /// Glance's webob writes it: 404 and 405 through <see cref="GlanceErrorWriter"/> (HEAD: no body);
    /// 501 with webob's <c>HTTPNotImplemented</c> template; 302 with <c>Location</c> =
    /// <paramref name="baseUrl"/> + <c>/v2/</c> (webob makes it absolute), <c>Content-Type:
    /// text/plain; charset=utf8</c> and no body, as Routes' redirect.
    /// </summary>
    public Task WriteAsync(HttpContext context, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(baseUrl);
        switch (Outcome)
        {
            case GlanceRouteOutcome.Redirect:
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = baseUrl.TrimEnd('/') + Route!.RedirectLocation;
                context.Response.ContentType = "text/plain; charset=utf8";
                context.Response.ContentLength = 0;
                return Task.CompletedTask;
            case GlanceRouteOutcome.NotImplemented:
                return WriteNotImplementedAsync(context, Method);
            case GlanceRouteOutcome.NotFound:
            case GlanceRouteOutcome.MethodNotAllowed:
                return GlanceErrorWriter.WriteAsync(context, StatusCode, Explanation!, Allow);
            default:
                throw new InvalidOperationException("An operation is the controller's to answer, not the router's.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Outcome == GlanceRouteOutcome.Operation
        ? $"{RoutingMethod} {Route} -> {Operation!.Controller}.{Operation.Action}"
        : $"{Method} -> {StatusCode}";

    // webob.exc.HTTPNotImplemented: "\nThe request method ${REQUEST_METHOD} is not implemented for
    // this server. <br /><br />\n${detail}". webob's 405 template is the same shape ("...<br /><br />\n"
    // after the text), so the 405 rendering of "\n" + text is the 501 body once its status line and
    // title are swapped; neither can occur inside an HTTP method (a token: no spaces).
    private static Task WriteNotImplementedAsync(HttpContext context, string method)
    {
        var format = AcceptNegotiation.Choose(context.Request.Headers.Accept.ToString());
        var rendered = GlanceErrorBody.Render(StatusCodes.Status405MethodNotAllowed, "\n" + GlanceRoutes.NotImplemented(method), format);
        var body = rendered.Body
            .Replace(GlanceErrorBody.StatusLine(405), GlanceErrorBody.StatusLine(501), StringComparison.Ordinal)
            .Replace("\"title\": \"" + GlanceErrorBody.ReasonPhrase(405) + "\"", "\"title\": \"" + GlanceErrorBody.ReasonPhrase(501) + "\"", StringComparison.Ordinal);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status501NotImplemented;
        response.ContentType = rendered.ContentType;
        return Responses.ResponseBody.WriteAsync(context, Encoding.UTF8.GetBytes(body));
    }
}
