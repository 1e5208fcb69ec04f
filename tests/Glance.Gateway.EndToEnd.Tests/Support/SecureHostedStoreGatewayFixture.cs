using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.Support;

/// <summary>
/// The gateway hosting its own image store (as <c>HostedStoreGatewayFixture</c>: <c>Backend:Identity=Headers</c>,
/// <c>ImageStore:Enabled=true</c>) in secure RBAC, configured as the suite's secure Glance is
/// (<c>Policy:EnforceNewDefaults</c> and <c>Policy:EnforceScope</c> true: Glance's
/// <c>enforce_secure_rbac</c>, <c>enforce_new_defaults</c> and <c>enforce_scope</c>), in front of
/// the suite's real Keystone; started on first use, stopped after the class's last test.
/// </summary>
public sealed class SecureHostedStoreGatewayFixture : IAsyncLifetime
{
    private readonly Lock _gate = new();
    private Task<(RedisServer Redis, GatewayHost Gateway)>? _started;

    /// <summary>The running gateway, started now if this is the first call.</summary>
    public async Task<GatewayHost> StartAsync(KeystoneServer keystone)
    {
        ArgumentNullException.ThrowIfNull(keystone);
        Task<(RedisServer Redis, GatewayHost Gateway)> started;
        lock (_gate)
        {
            started = _started ??= StartNewAsync(keystone);
        }

        return (await started).Gateway;
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_started is { IsCompletedSuccessfully: true })
        {
            var (redis, gateway) = await _started;
            await gateway.DisposeAsync();
            await redis.DisposeAsync();
        }
    }

    private static async Task<(RedisServer Redis, GatewayHost Gateway)> StartNewAsync(KeystoneServer keystone)
    {
        var redis = await RedisServer.SharedOrNewAsync();
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Policy:EnforceNewDefaults"] = "true",
                ["Policy:EnforceScope"] = "true",
            };
            return (redis, await EndToEndGateway.StartAsync(keystone, redis, settings));
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }
}
