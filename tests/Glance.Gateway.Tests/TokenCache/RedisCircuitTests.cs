using Glance.Gateway.Hosting;
using Glance.Gateway.Tests.Support;
using Glance.Gateway.TokenCache;
using Microsoft.Extensions.Configuration;

namespace Glance.Gateway.Tests.TokenCache;

/// <summary>
/// The Redis circuit, through the real gateway over HTTP with Redis behind a counting relay:
/// killed or stalled, Redis is skipped (no command reaches it, Keystone answers every fresh
/// token), and after the background probe finds it again the L2 is used again. Outcomes and
/// counts only; speed is the benchmark's (tests/Glance.Gateway.Benchmarks/redis-outage.sh).
/// </summary>
[Trait("Host", "Any")]
public sealed class RedisCircuitTests
{
    private const int Fresh = 5;

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task RedisKilled_CircuitSkipsRedisEvenOnceItIsBack_UntilTheProbeClosesIt_ThenL2IsSharedAgain()
    {
        await using var fx = await RelayedRedisGateway.StartAsync(retrySeconds: 5);
        await fx.FreshTokenRequestAsync("up");
        Assert.True(fx.TokenCommands > 0, "the L2 was not used while Redis was up");
        Assert.True(fx.Cache.IsAvailable);
        Assert.Equal(1, fx.RedisAvailableGauge());

        fx.Relay.Refuse();
        await fx.FreshTokenRequestAsync("killed-first");
        Assert.False(fx.Cache.IsAvailable, "the first failure did not open the circuit");
        Assert.Equal(0, fx.RedisAvailableGauge());
        await Assert.ThrowsAnyAsync<Exception>(() => fx.Cache.ProbeAsync(CancellationToken.None));

        // Redis back and the multiplexer reconnected on its own, but the circuit stays open until
        // the probe's timer fires: fresh tokens go to Keystone and not one command reaches Redis.
        fx.Relay.Forward();
        Assert.True(await RelayedRedisGateway.UntilAsync(() => fx.Multiplexer.IsConnected), "StackExchange.Redis did not reconnect");
        var before = fx.TokenCommands;
        for (var i = 0; i < Fresh; i++)
        {
            var token = await fx.FreshTokenRequestAsync("open");
            Assert.Equal(1, fx.Keystone.ValidationCalls(token));
        }

        Assert.Equal(before, fx.TokenCommands);
        Assert.False(fx.Cache.IsAvailable);

        // The probe interval passes: the background probe (not a request) closes the circuit.
        fx.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await RelayedRedisGateway.UntilAsync(() => fx.Cache.IsAvailable, () => fx.Time.Advance(TimeSpan.FromSeconds(5))), "the probe did not close the circuit");
        Assert.True(fx.Relay.CommandsMentioning(ResilientDistributedCache.ProbeKey) > 0, "the probe did not reach Redis");
        Assert.Equal(before, fx.TokenCommands);
        Assert.Equal(1, fx.RedisAvailableGauge());
        Assert.Equal(1, fx.Gateway.AppLog().Split('\n').Count(l => l.Contains("Redis token cache reachable again", StringComparison.Ordinal)));

        // L2 in use again: another replica finds this gateway's validation there.
        var shared = await fx.FreshTokenRequestAsync("back");
        Assert.True(fx.TokenCommands > before);
        await using var replica = await GatewayHost.StartAsync(fx.Settings, fx.Time);
        await RelayedRedisGateway.GetImagesAsync(replica, shared);
        Assert.Equal(1, fx.Keystone.ValidationCalls(shared));
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task RedisStalled_OneTimeoutOpensTheCircuit_ThenNoRequestSendsItAnything()
    {
        await using var fx = await RelayedRedisGateway.StartAsync(retrySeconds: 5);
        await fx.FreshTokenRequestAsync("up");
        Assert.True(fx.Cache.IsAvailable);

        // SIGSTOP: the connection stays up, nothing answers. The first fresh token waits one
        // timeout, which opens the circuit.
        fx.Relay.Stall();
        var first = await fx.FreshTokenRequestAsync("stalled-first");
        Assert.Equal(1, fx.Keystone.ValidationCalls(first));
        Assert.False(fx.Cache.IsAvailable, "a timeout did not open the circuit");

        var before = fx.TokenCommands;
        for (var i = 0; i < Fresh; i++)
        {
            var token = await fx.FreshTokenRequestAsync("stalled");
            Assert.Equal(1, fx.Keystone.ValidationCalls(token));
        }

        Assert.Equal(before, fx.TokenCommands);

        // SIGCONT and a probe interval: used again.
        fx.Relay.Forward();
        Assert.True(await RelayedRedisGateway.UntilAsync(() => fx.Cache.IsAvailable, () => fx.Time.Advance(TimeSpan.FromSeconds(5))), "the probe did not close the circuit");
        await fx.FreshTokenRequestAsync("resumed");
        Assert.True(fx.TokenCommands > before, "the L2 was not used again");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("NaN")]
    public void RedisRetrySeconds_NotAPositiveNumber_IsAConfigurationError(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Keystone:RedisRetrySeconds"] = value }).Build();

        var error = Assert.Throws<GatewayConfigurationException>(() => TokenCacheExtensions.RedisRetryInterval(configuration));

        Assert.Contains("Keystone:RedisRetrySeconds", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 5)]
    [InlineData("0.5", 0.5)]
    [InlineData("30", 30)]
    public void RedisRetrySeconds_DefaultAndPositiveValues_AreTheProbeInterval(string? value, double seconds)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Keystone:RedisRetrySeconds"] = value }).Build();

        Assert.Equal(TimeSpan.FromSeconds(seconds), TokenCacheExtensions.RedisRetryInterval(configuration));
    }
}
