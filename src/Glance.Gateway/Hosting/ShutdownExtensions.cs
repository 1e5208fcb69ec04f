using Microsoft.Extensions.Options;

namespace Glance.Gateway.Hosting;

/// <summary>Registration of the drain on shutdown (<see cref="ShutdownDrain"/>).</summary>
public static class ShutdownExtensions
{
    /// <summary>
    /// Validates <c>Gateway:ShutdownSeconds</c> and <c>Gateway:DrainDelaySeconds</c>, makes the
    /// first the host's shutdown timeout, and registers the drain.
    /// </summary>
    public static WebApplicationBuilder AddShutdownDrain(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        builder.Services.AddOptions<GatewayOptions>().ValidateOnStart();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<GatewayOptions>>(
            (host, gateway) => host.ShutdownTimeout = TimeSpan.FromSeconds(gateway.Value.ShutdownSeconds));
        builder.Services.AddHostedService<ShutdownDrain>();
        return builder;
    }
}
