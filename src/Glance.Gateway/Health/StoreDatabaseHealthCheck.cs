using Glance.Gateway.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Glance.Gateway.Health;

/// <summary>
/// The hosted store's database answers: one indexed read of an image that does not exist, through
/// the store's own reader (the gateway never opens the store's database). Unhealthy otherwise:
/// the store cannot answer anything without it.
/// </summary>
public sealed class StoreDatabaseHealthCheck(ImageStoreAddress store) : IHealthCheck
{
    private const string ProbeImageId = "00000000-0000-0000-0000-000000000000";

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (store.Facts is not { } facts)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "the hosted store has not started");
        }

        try
        {
            await facts.ReadAsync(ProbeImageId, member: null, cancellationToken);
            return HealthCheckResult.Healthy("the hosted store database answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "the hosted store database does not answer");
        }
    }
}
