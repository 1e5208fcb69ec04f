using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Glance.Gateway.Health;

/// <summary>
/// Unhealthy from the moment the host is asked to stop (<see cref="IHostApplicationLifetime.ApplicationStopping"/>):
/// readiness turns 503 first, while the listener still accepts for <c>Gateway:DrainDelaySeconds</c>
/// and in-flight requests finish (see <see cref="Hosting.ShutdownDrain"/>).
/// </summary>
public sealed class ShutdownHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? new HealthCheckResult(context.Registration.FailureStatus, "shutting down: finishing in-flight requests")
            : HealthCheckResult.Healthy("serving"));
    }
}
