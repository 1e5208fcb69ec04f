using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.Support;

/// <summary>
/// Starts the shared test gateway (<see cref="GatewayHost"/>) in front of a real Keystone and a
/// real Redis. The token cache key prefix is new for each gateway unless the test shares it on
/// purpose (replicas).
/// </summary>
public static class EndToEndGateway
{
    /// <summary>A gateway toward <paramref name="keystone"/> and <paramref name="redis"/>; <paramref name="settings"/> override.</summary>
    public static Task<GatewayHost> StartAsync(
        KeystoneServer keystone, RedisServer redis, IDictionary<string, string?>? settings = null, string? routesJson = null)
    {
        ArgumentNullException.ThrowIfNull(keystone);
        return StartAsync(keystone.GatewaySettings(), redis, settings, routesJson);
    }

    /// <summary>A gateway with these Keystone settings (<c>Keystone:*</c>) toward <paramref name="redis"/>.</summary>
    public static Task<GatewayHost> StartAsync(
        IDictionary<string, string?> keystoneSettings, RedisServer redis, IDictionary<string, string?>? settings = null, string? routesJson = null)
    {
        ArgumentNullException.ThrowIfNull(keystoneSettings);
        ArgumentNullException.ThrowIfNull(redis);
        var all = new Dictionary<string, string?>(keystoneSettings)
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Keystone:CacheKeyPrefix"] = $"glance-e2e-{Guid.NewGuid():N}:",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return GatewayHost.StartAsync(all, time: null, routesJson);
    }
}
