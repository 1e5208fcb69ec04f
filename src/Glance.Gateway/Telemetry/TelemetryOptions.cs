namespace Glance.Gateway.Telemetry;

/// <summary>Settings of metrics and traces (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>
    /// Whether the gateway collects metrics and traces at all (default true). Off, there is no
    /// OpenTelemetry pipeline, no <c>/metrics</c> and no exporter; the instruments cost nothing.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether spans are recorded. Default: when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (spans
    /// nobody exports cost every request for nothing); true records them for another exporter
    /// registered in code, false never.
    /// </summary>
    public bool? Tracing { get; set; }

    /// <summary>
    /// The path of the Prometheus scrape endpoint (default <c>/metrics</c>; empty for none). It is
    /// unauthenticated, like <c>/healthz</c>.
    /// </summary>
    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>
    /// Optional host pattern (ASP.NET Core's <c>RequireHost</c>, e.g. <c>*:9464</c>) the scrape
    /// endpoint answers on alone: with a second Kestrel endpoint on that port, metrics move to
    /// their own listener and the public one answers 404 for them.
    /// </summary>
    public string? PrometheusHost { get; set; }
}
