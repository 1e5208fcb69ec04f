using System.Diagnostics;

namespace Glance.Gateway.Telemetry;

/// <summary>The gateway's own spans (token validation, the member pre-check), on the <c>Glance.Gateway</c> source.</summary>
public static class GatewayTelemetry
{
    /// <summary>The activity source's name, the same as the meter's.</summary>
    public const string SourceName = GatewayMetrics.MeterName;

    /// <summary>The tag every server span carries: the OpenStack request id of the request.</summary>
    public const string RequestIdTag = "openstack.request_id";

    /// <summary>The source; starting an activity costs nothing while nothing listens.</summary>
    public static readonly ActivitySource Source = new(SourceName);
}
