using System.Diagnostics.Metrics;
using Glance.Gateway.Telemetry;
using Glance.Gateway.Tests.Support;
using Glance.Gateway.TokenCache;
using Glance.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Glance.Gateway.Tests.TokenCache;

/// <summary>
/// A gateway whose Redis is behind a <see cref="TcpRelay"/> (so a test kills, stalls and counts
/// Redis without touching the process), a WireMock Keystone, and a fake clock that drives the
/// Redis circuit's probe timer.
/// </summary>
public sealed class RelayedRedisGateway : IAsyncDisposable
{
    /// <summary>The prefix of token cache keys.</summary>
    public const string Prefix = "glance-gateway:token:";

    private RelayedRedisGateway(RedisServer redis, TcpRelay relay, KeystoneStub keystone, GatewayHost gateway, FakeTimeProvider time, Dictionary<string, string?> settings)
    {
        Redis = redis;
        Relay = relay;
        Keystone = keystone;
        Gateway = gateway;
        Time = time;
        Settings = settings;
    }

    /// <summary>The real Redis.</summary>
    public RedisServer Redis { get; }

    /// <summary>The relay in front of it, which the gateway connects to.</summary>
    public TcpRelay Relay { get; }

    /// <summary>The Keystone stub.</summary>
    public KeystoneStub Keystone { get; }

    /// <summary>The gateway.</summary>
    public GatewayHost Gateway { get; }

    /// <summary>The gateway's clock (the probe timer runs on it).</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The settings the gateway was started with (a replica reuses them).</summary>
    public Dictionary<string, string?> Settings { get; }

    /// <summary>The gateway's Redis token cache.</summary>
    public ResilientDistributedCache Cache => Gateway.App.Services.GetRequiredService<ResilientDistributedCache>();

    /// <summary>The gateway's multiplexer.</summary>
    public IConnectionMultiplexer Multiplexer => Gateway.App.Services.GetRequiredService<IConnectionMultiplexer>();

    /// <summary>Commands that reached the relay for a token cache key.</summary>
    public int TokenCommands => Relay.CommandsMentioning(Prefix);

    /// <summary>Starts Redis, the relay, Keystone and the gateway.</summary>
    public static async Task<RelayedRedisGateway> StartAsync(int retrySeconds = 5)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var redis = await RedisServer.StartNewAsync();
        var relay = TcpRelay.Start(redis.Port);
        var keystone = new KeystoneStub(time);
        var settings = keystone.Settings();
        settings["ConnectionStrings:Redis"] = $"127.0.0.1:{relay.Port},abortConnect=false,connectTimeout=1000,syncTimeout=1000";
        settings["Keystone:RedisRetrySeconds"] = retrySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        GatewayHost gateway;
        try
        {
            gateway = await GatewayHost.StartAsync(settings, time);
        }
        catch
        {
            keystone.Dispose();
            await relay.DisposeAsync();
            await redis.DisposeAsync();
            throw;
        }

        // Connected before the test's first request: on a loaded machine the first connect and
        // handshake through the relay can outlast the 1 s command timeout, which (by design)
        // opens the circuit, and the test would start from an open circuit, not from Redis up.
        var fixture = new RelayedRedisGateway(redis, relay, keystone, gateway, time, settings);
        if (!await UntilAsync(() => fixture.Multiplexer.IsConnected))
        {
            await fixture.DisposeAsync();
            throw new InvalidOperationException("the gateway's Redis connection through the relay did not come up within 30 s");
        }

        return fixture;
    }

    /// <summary>GET /v2/images with a token Keystone knows and no cache has seen; returns the token.</summary>
    public async Task<string> FreshTokenRequestAsync(string label, GatewayHost? through = null)
    {
        var token = $"{label}-{Guid.NewGuid():N}";
        Keystone.AddToken(token, "u-" + label, Identities.OwnerProject, ["member"]);
        using var response = await (through ?? Gateway).Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return token;
    }

    /// <summary>GET /v2/images with <paramref name="token"/> through <paramref name="through"/>.</summary>
    public static async Task GetImagesAsync(GatewayHost through, string token)
    {
        using var response = await through.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The gateway's <c>glance_gateway_redis_available</c> gauge now (null: no measurement).</summary>
    public int? RedisAvailableGauge()
    {
        var factory = Gateway.App.Services.GetRequiredService<IMeterFactory>();
        int? value = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "glance_gateway_redis_available")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, measurement, _, _) => value = measurement);
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }

    /// <summary>Waits (up to 30 s) until <paramref name="condition"/> holds; false if it never did.</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, Action? between = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            between?.Invoke();
            await Task.Delay(50);
        }

        return true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Keystone.Dispose();
        await Relay.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
