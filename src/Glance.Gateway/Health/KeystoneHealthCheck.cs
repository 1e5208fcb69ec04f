using Glance.Gateway.Keystone;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Health;

/// <summary>
/// Keystone (when configured) answers its version document. Degraded otherwise, never Unhealthy:
/// callers whose validation is cached are still served; the others get 503 per request.
/// </summary>
public sealed class KeystoneHealthCheck(IOptions<KeystoneOptions> options, KeystoneClient keystone) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!options.Value.UsesKeystone)
        {
            return HealthCheckResult.Healthy("development tokens");
        }

        return await keystone.PingAsync(cancellationToken)
            ? HealthCheckResult.Healthy("answers")
            : new HealthCheckResult(context.Registration.FailureStatus, "unreachable: cached tokens are served, new ones get 503");
    }
}
