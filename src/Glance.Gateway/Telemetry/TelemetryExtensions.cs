using Glance.Gateway.Routing;
using Glance.ImageStore;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Glance.Gateway.Telemetry;

/// <summary>Registration of metrics and traces.</summary>
public static class TelemetryExtensions
{
    /// <summary>
    /// The gateway's meter (<see cref="GatewayMetrics"/>) and, unless <c>Telemetry:Enabled</c> is
    /// false, OpenTelemetry: metrics of ASP.NET Core, HttpClient (YARP's forwarder included), the
    /// runtime, the process, the gateway and the hosted store; traces of ASP.NET Core (gateway and
    /// store), HttpClient (Keystone, metadata, forwarding), Redis and the gateway's own spans, when
    /// something exports them (<see cref="TelemetryOptions.Tracing"/>). A Prometheus scrape
    /// endpoint; OTLP (all signals' settings from the standard <c>OTEL_EXPORTER_OTLP_*</c>
    /// variables) when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();

        var settings = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!settings.Enabled)
        {
            return builder;
        }

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("glance-gateway"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(GatewayMetrics.MeterName, StoreMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddProcessInstrumentation();
                if (!string.IsNullOrEmpty(settings.PrometheusPath))
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (settings.Tracing ?? otlp)
        {
            otel.WithTracing(tracing => tracing
                .AddSource(GatewayTelemetry.SourceName)
                .AddAspNetCoreInstrumentation(aspnet =>
                {
                    // The scrape and the probes are not traced; every other server span (the
                    // gateway's and the hosted store's) carries the request's OpenStack id.
                    aspnet.Filter = static context => context.RequestServices.GetService<OperatorPaths>()?.Contains(context.Request.Path) != true;
                    aspnet.EnrichWithHttpResponse = static (activity, response) =>
                        activity.SetTag(GatewayTelemetry.RequestIdTag, response.HttpContext.TraceIdentifier);
                })
                .AddHttpClientInstrumentation()
                .AddRedisInstrumentation());
        }

        if (otlp)
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>The Prometheus scrape endpoint at <c>Telemetry:PrometheusPath</c>, without authentication.</summary>
    public static IEndpointRouteBuilder MapGatewayMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var settings = endpoints.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (settings.Enabled && !string.IsNullOrEmpty(settings.PrometheusPath))
        {
            var endpoint = endpoints.MapPrometheusScrapingEndpoint(settings.PrometheusPath);
            if (!string.IsNullOrWhiteSpace(settings.PrometheusHost))
            {
                endpoint.RequireHost(settings.PrometheusHost);
            }
        }

        return endpoints;
    }
}

/// <summary>Start-up validation of <see cref="TelemetryOptions"/>.</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PrometheusPath is { Length: > 0 } path
            && (!path.StartsWith('/') || path.Length == 1 || path.Contains('?', StringComparison.Ordinal) || path.Contains('#', StringComparison.Ordinal)
                || path.StartsWith("/v2", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/v1", StringComparison.OrdinalIgnoreCase)))
        {
            return ValidateOptionsResult.Fail($"{TelemetryOptions.SectionName}:PrometheusPath must be an absolute path outside Glance's API, such as /metrics (got '{path}').");
        }

        return ValidateOptionsResult.Success;
    }
}
