using System.Globalization;
using System.Net;
using Glance.Gateway.Tests.Support;

namespace Glance.Gateway.Tests.TokenCache;

/// <summary>
/// The cause of the once-flaky TokenExpiringBeforeCacheLifetime test, shown deterministically: a
/// miss wrote its validation to Redis twice, HybridCache's own write with the cache lifetime
/// fixed before the factory ran (300 s) and the token cache's with the token's shorter one, and
/// whichever landed last won. Counted at a relay in front of Redis, a miss now writes once, with
/// the token's lifetime (the old code sent two writes, one of them for 300 s).
/// </summary>
public sealed class TokenCacheWriteTests
{
    [Fact]
    public async Task Miss_WritesRedisOnce_WithTheLifetimeTheTokenHasLeft()
    {
        await using var fx = await RelayedRedisGateway.StartAsync();
        var token = "expiring-" + Guid.NewGuid().ToString("N");
        fx.Keystone.AddToken(token, "owner-user", Identities.OwnerProject, ["member"], expiresAt: fx.Time.GetUtcNow().AddSeconds(60));

        using (var response = await fx.Gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var key = RelayedRedisGateway.Prefix + Glance.Gateway.TokenCache.TokenCache.HashOf(token);
        var commands = fx.Relay.Commands.Where(c => c.Any(part => part == key)).ToList();
        var writes = commands.Where(c => c[0].ToUpperInvariant() is "HSET" or "HMSET" or "SET" or "EVAL" or "EVALSHA").ToList();
        Assert.True(writes.Count == 1, "writes of the key: " + string.Join(" | ", writes.Select(c => string.Join(' ', c.Take(2)))));

        // Its lifetime: the token's 60 s (RedisCache sets it with EXPIRE, or inside the script's arguments).
        var expire = commands.SingleOrDefault(c => c[0].Equals("EXPIRE", StringComparison.OrdinalIgnoreCase));
        var seconds = expire is not null
            ? int.Parse(expire[2], CultureInfo.InvariantCulture)
            : int.Parse((await fx.Redis.CommandAsync("TTL", key)).Trim().TrimStart(':'), CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 60);
    }
}
