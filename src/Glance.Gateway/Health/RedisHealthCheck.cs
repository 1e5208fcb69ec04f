using Glance.Gateway.TokenCache;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Glance.Gateway.Health;

/// <summary>
/// The shared token cache (Redis, when configured) answers. Degraded otherwise, never Unhealthy:
/// without Redis a replica validates against Keystone directly (slower, never wrong).
/// </summary>
public sealed class RedisHealthCheck(IServiceProvider services) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (services.GetService<ResilientDistributedCache>() is not { } redis)
        {
            return HealthCheckResult.Healthy("not configured: in-process token cache only");
        }

        try
        {
            await redis.ProbeAsync(cancellationToken);
            return HealthCheckResult.Healthy("answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "unreachable: tokens are validated with Keystone directly");
        }
    }
}
