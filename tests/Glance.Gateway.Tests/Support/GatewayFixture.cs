using Glance.Testing;

namespace Glance.Gateway.Tests.Support;

/// <summary>
/// The usual arrangement of a functional test: a real Redis, WireMock as Keystone with the
/// standard identities, and a gateway hosting its store, all new for the test.
/// </summary>
public sealed class GatewayFixture : IAsyncDisposable
{
    private GatewayFixture(RedisServer redis, KeystoneStub keystone, GatewayHost gateway, Identities ids)
    {
        Redis = redis;
        Keystone = keystone;
        Gateway = gateway;
        Ids = ids;
    }

    /// <summary>The Redis server.</summary>
    public RedisServer Redis { get; }

    /// <summary>The Keystone stub.</summary>
    public KeystoneStub Keystone { get; }

    /// <summary>The gateway.</summary>
    public GatewayHost Gateway { get; }

    /// <summary>The tokens of the standard identities.</summary>
    public Identities Ids { get; }

    /// <summary>A client toward the gateway.</summary>
    public HttpClient Client => Gateway.Client;

    /// <summary>Starts everything; <paramref name="settings"/> override the defaults.</summary>
    public static async Task<GatewayFixture> StartAsync(
        IDictionary<string, string?>? settings = null, TimeProvider? time = null, string? routesJson = null)
    {
        var redis = await RedisServer.StartNewAsync();
        var keystone = new KeystoneStub(time);
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        var all = keystone.Settings();
        all["ConnectionStrings:Redis"] = redis.ConnectionString;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        try
        {
            var gateway = await GatewayHost.StartAsync(all, time, routesJson);
            return new GatewayFixture(redis, keystone, gateway, ids);
        }
        catch
        {
            keystone.Dispose();
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Keystone.Dispose();
        await Redis.DisposeAsync();
    }
}
