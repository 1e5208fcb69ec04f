using Glance.Gateway.Telemetry;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Routing;

/// <summary>
/// The gateway's own endpoints, answered before version negotiation and without a token: the
/// health endpoints and, when telemetry is on, the Prometheus scrape path.
/// </summary>
public sealed class OperatorPaths(IOptions<TelemetryOptions> telemetry)
{
    private readonly string? _metrics = telemetry.Value is { Enabled: true, PrometheusPath.Length: > 0 } t ? t.PrometheusPath : null;

    /// <summary>True for <c>/healthz</c>, <c>/readyz</c>, <c>/healthcheck</c> and the metrics path.</summary>
    public bool Contains(PathString path) =>
        path.Value is "/healthz" or "/readyz" or "/healthcheck" || (_metrics is not null && string.Equals(path.Value, _metrics, StringComparison.Ordinal));
}
