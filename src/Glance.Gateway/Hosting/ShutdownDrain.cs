using Microsoft.Extensions.Options;

namespace Glance.Gateway.Hosting;

/// <summary>
/// The drain on SIGTERM. <c>ApplicationStopping</c> fires (readiness turns 503 at once:
/// <see cref="Health.ShutdownHealthCheck"/>), then the host runs every <see cref="IHostedLifecycleService.StoppingAsync"/>
/// before any <see cref="IHostedService.StopAsync"/>: here the gateway waits
/// <see cref="GatewayOptions.DrainDelaySeconds"/> with its listener still open, so that load
/// balancers see the 503 and stop sending. Then Kestrel (the first service stopped) closes its
/// listener and lets in-flight requests finish until <see cref="GatewayOptions.ShutdownSeconds"/>
/// (the host's shutdown timeout) runs out, and only then the hosted store stops.
/// </summary>
public sealed partial class ShutdownDrain(
    IOptions<GatewayOptions> options, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // SIGTERM fires ApplicationStopping before the host stops; IHost.StopAsync fires it only
        // after the lifecycle services' StoppingAsync. Either way readiness turns 503 before the pause.
        lifetime.StopApplication();
        var settings = options.Value;
        Log.Draining(logger, settings.DrainDelaySeconds, settings.ShutdownSeconds);
        if (settings.DrainDelaySeconds > 0)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(settings.DrainDelaySeconds), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The shutdown timeout ran out (or a second signal): stop now.
            }
        }

        Log.ClosingListener(logger);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Stop requested: /readyz answers 503; still accepting for {DrainDelaySeconds} s, in-flight requests have until {ShutdownSeconds} s")]
        public static partial void Draining(ILogger logger, double drainDelaySeconds, double shutdownSeconds);

        [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Closing the listener; waiting for in-flight requests")]
        public static partial void ClosingListener(ILogger logger);
    }
}
