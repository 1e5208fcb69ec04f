using Glance.Gateway.Keystone;
using Microsoft.AspNetCore.Http.Features;
using Serilog.Events;
using Yarp.ReverseProxy.Model;

namespace Glance.Gateway.AccessLog;

/// <summary>
/// The fields of the one access event of a request (event id 9100), named as the audit names
/// them so that the two files join on <c>RequestId</c>: method, path without the query string,
/// route (see <see cref="RouteOf"/>), status, elapsed ms, request id (the OpenStack one; for what
/// the front door answers before the request id is set, OPTIONS and the versions document,
/// Kestrel's connection-based id), the caller's project (null when unauthenticated), client
/// address and user agent. Built from the request line, the
/// connection and typed features only: no header but <c>User-Agent</c> is read, so no token
/// (<c>X-Auth-Token</c>, <c>X-Service-Token</c>, <c>X-Subject-Token</c>) can reach the log.
/// </summary>
public static class AccessLogEvent
{
    /// <summary>The event id of a request event.</summary>
    public const int EventId = 9100;

    /// <summary>The event name of a request event.</summary>
    public const string EventName = "HttpRequest";

    /// <summary>What a console sink renders (the JSON files carry the properties only).</summary>
    public const string MessageTemplate =
        "HTTP {Method} {Path} ({Route}) responded {Status} in {ElapsedMs} ms; request {RequestId} project {ProjectId} from {ClientAddress} ({UserAgent})";

    private static readonly LogEventPropertyValue EventIdValue = new StructureValue(
    [
        new LogEventProperty("Id", new ScalarValue(EventId)),
        new LogEventProperty("Name", new ScalarValue(EventName)),
    ]);

    /// <summary>The properties of <paramref name="context"/>'s event (Serilog request logging's <c>GetMessageTemplateProperties</c>).</summary>
    public static IEnumerable<LogEventProperty> Properties(HttpContext context, string path, double elapsedMs, int status)
    {
        ArgumentNullException.ThrowIfNull(context);
        return
        [
            new("EventId", EventIdValue),
            new("Method", new ScalarValue(context.Request.Method)),
            new("Path", new ScalarValue(path)),
            new("Route", new ScalarValue(RouteOf(context))),
            new("Status", new ScalarValue(status)),
            new("ElapsedMs", new ScalarValue(Math.Round(elapsedMs, 3))),
            new("RequestId", new ScalarValue(context.TraceIdentifier)),
            new("ProjectId", new ScalarValue(context.Features.Get<ICallerFeature>()?.Identity.ProjectId)),
            new("ClientAddress", new ScalarValue(context.Connection.RemoteIpAddress?.ToString())),
            new("UserAgent", new ScalarValue(context.Request.Headers.UserAgent.ToString())),
        ];
    }

    /// <summary>
    /// The YARP route id of a proxied request, else the endpoint's name: the YARP route the
    /// request matched when it was answered at the edge (401, a pre-check denial, Glance's 404),
    /// the health endpoints' display name (<c>HTTP: GET /healthz</c>); null when the front door
    /// answered (no endpoint).
    /// </summary>
    public static string? RouteOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<IReverseProxyFeature>() is { } proxy)
        {
            return proxy.Route.Config.RouteId;
        }

        var endpoint = context.GetEndpoint();
        return endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? endpoint?.DisplayName;
    }
}
