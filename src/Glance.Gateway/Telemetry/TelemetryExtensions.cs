namespace Glance.Gateway.Telemetry;

/// <summary>Registration of metrics and traces.</summary>
public static class TelemetryExtensions
{
    /// <summary>The gateway's meter (<see cref="GatewayMetrics"/>).</summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<GatewayMetrics>();
        return builder;
    }
}
