using System.Net;
using System.Security.Cryptography;
using System.Text;
using Glance.Gateway.Tests.Support;
using Glance.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Glance.Gateway.Tests.TokenCache;

/// <summary>
/// The token cache against a real Redis and WireMock Keystone: hits, stampedes, expiry with a
/// fake clock, tampered and foreign entries, Redis failing mid-test, two replicas sharing Redis.
/// </summary>
[Trait("Host", "Any")]
public sealed class TokenCacheTests
{
    private const string Prefix = "glance-gateway:token:";

    [Fact]
    public async Task ValidToken_ManyRequests_KeystoneCalledOnce()
    {
        await using var fx = await GatewayFixture.StartAsync();

        for (var i = 0; i < 20; i++)
        {
            using var response = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Owner));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, fx.Keystone.ValidationCalls(fx.Ids.Owner));
    }

    [Fact]
    public async Task ConcurrentMisses_OneToken_OneKeystoneCall()
    {
        await using var fx = await GatewayFixture.StartAsync();
        fx.Keystone.Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet().WithHeader("X-Subject-Token", "slow-token"))
            .AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(TokenJson("slow-user", "project-a", DateTimeOffset.UtcNow.AddHours(1)))
                .WithDelay(TimeSpan.FromMilliseconds(300)));

        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            using var response = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "slow-token"));
            return response.StatusCode;
        }));

        Assert.All(responses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(1, fx.Keystone.ValidationCalls("slow-token"));
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task TokenExpiringBeforeCacheLifetime_IsRefusedAfterItExpires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fx = await GatewayFixture.StartAsync(time: time);
        fx.Keystone.AddToken("short-token", "u", "project-a", ["member"], time.GetUtcNow().AddSeconds(60));

        using (var before = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "short-token")))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        time.Advance(TimeSpan.FromSeconds(59));
        using (var still = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "short-token")))
        {
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }

        time.Advance(TimeSpan.FromSeconds(2));
        using var after = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "short-token"));

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(1, fx.Keystone.ValidationCalls("short-token"));
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task TokenExpiringBeforeCacheLifetime_RedisEntryLivesOnlyAsLongAsTheToken()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fx = await GatewayFixture.StartAsync(time: time);
        fx.Keystone.AddToken("short-lived", "u", "project-a", ["member"], time.GetUtcNow().AddSeconds(60));

        using var response = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "short-lived"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var mux = await ConnectionMultiplexer.ConnectAsync(fx.Redis.ConnectionString);
        var ttl = await mux.GetDatabase().KeyTimeToLiveAsync(Prefix + Sha256("short-lived"));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task CacheLifetimePassed_TokenIsValidatedAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fx = await GatewayFixture.StartAsync(new Dictionary<string, string?> { ["Keystone:TokenCacheSeconds"] = "120" }, time);
        fx.Keystone.AddToken("long-token", "u", "project-a", ["member"], time.GetUtcNow().AddHours(2));

        (await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "long-token"))).Dispose();
        time.Advance(TimeSpan.FromSeconds(119));
        (await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "long-token"))).Dispose();
        Assert.Equal(1, fx.Keystone.ValidationCalls("long-token"));

        time.Advance(TimeSpan.FromSeconds(2));
        using var response = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "long-token"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, fx.Keystone.ValidationCalls("long-token"));
    }

    [Fact]
    public async Task RedisKey_IsPrefixPlusSha256_AndNeverContainsTheToken()
    {
        await using var fx = await GatewayFixture.StartAsync();

        (await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Owner))).Dispose();

        var keys = await AllKeysAsync(fx.Redis);
        Assert.Contains(Prefix + Sha256(fx.Ids.Owner), keys);
        Assert.DoesNotContain(keys, k => k.Contains(fx.Ids.Owner, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondReplicaSharingRedis_IsAnL2Hit_KeystoneCalledOnce()
    {
        await using var fx = await GatewayFixture.StartAsync();
        (await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Stranger))).Dispose();
        await using var replica = await ReplicaAsync(fx);

        using var response = await GlanceApi.DeleteMemberAsync(replica.Client, fx.Ids.Stranger, Guid.NewGuid().ToString(), "project-b");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(1, fx.Keystone.ValidationCalls(fx.Ids.Stranger));
        Assert.Equal("L2", Assert.Single(replica.AuditEvents()).Get("TokenCache"));
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task ExpiredToken_StillInRedis_IsRefusedByAReplicaReadingIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fx = await GatewayFixture.StartAsync(time: time);
        fx.Keystone.AddToken("expiring", "u", "project-a", ["member"], time.GetUtcNow().AddSeconds(60));
        using (var first = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "expiring")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await using var replica = await ReplicaAsync(fx, time: time);
        time.Advance(TimeSpan.FromSeconds(61));

        // Redis keeps the entry on the real clock (up to 60 s more); the replica's L1 is empty, so
        // it finds the entry in Redis and must not accept it on the gateway's clock: it asks
        // Keystone again, which says the token has expired.
        Assert.Single(await AllKeysAsync(fx.Redis), k => k.StartsWith(Prefix, StringComparison.Ordinal));
        using var response = await replica.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "expiring"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TamperedEntry_WithCacheSecret_IsNotTrusted()
    {
        var secret = new Dictionary<string, string?> { ["Keystone:CacheSecret"] = "a-cache-secret-of-some-length" };
        await using var fx = await GatewayFixture.StartAsync(secret);
        (await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Member))).Dispose();
        var key = Prefix + Sha256(fx.Ids.Member);
        await RewriteEntryAsync(fx.Redis, key, bytes => Replace(bytes, "project-b", "project-a"));
        await using var replica = await ReplicaAsync(fx, secret);

        using var response = await GlanceApi.DeleteMemberAsync(replica.Client, fx.Ids.Member, Guid.NewGuid().ToString(), "project-b");

        var audit = Assert.Single(replica.AuditEvents());
        Assert.Equal("project-b", audit.Get("ProjectId"));
        Assert.Equal("miss", audit.Get("TokenCache"));
        Assert.Equal(2, fx.Keystone.ValidationCalls(fx.Ids.Member));
    }

    [Fact]
    public async Task ForeignEntry_CopiedFromAnotherToken_IsNotTrusted()
    {
        await using var fx = await GatewayFixture.StartAsync();
        (await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Admin))).Dispose();
        (await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Member))).Dispose();
        Assert.StartsWith(":1", await fx.Redis.CommandAsync("COPY", Prefix + Sha256(fx.Ids.Admin), Prefix + Sha256(fx.Ids.Member), "REPLACE"), StringComparison.Ordinal);
        await using var replica = await ReplicaAsync(fx);

        using var response = await GlanceApi.DeleteMemberAsync(replica.Client, fx.Ids.Member, Guid.NewGuid().ToString(), "project-b");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var audit = Assert.Single(replica.AuditEvents());
        Assert.Equal("project-b", audit.Get("ProjectId"));
        Assert.Equal("member", audit.Get("Roles"));
        Assert.Equal(2, fx.Keystone.ValidationCalls(fx.Ids.Member));
    }

    [Fact]
    public async Task GarbageEntry_IsAMiss()
    {
        await using var fx = await GatewayFixture.StartAsync();
        await fx.Redis.CommandAsync("HSET", Prefix + Sha256(fx.Ids.Owner), "data", "garbage", "absexp", "-1", "sldexp", "-1");

        using var response = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Owner));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, fx.Keystone.ValidationCalls(fx.Ids.Owner));
    }

    [Fact]
    public async Task RedisStoppedMidTest_RequestsStillSucceed_AndCacheIsUsedAgainWhenBack()
    {
        await using var fx = await GatewayFixture.StartAsync();
        (await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Owner))).Dispose();

        await fx.Redis.StopAsync();
        foreach (var token in new[] { fx.Ids.Owner, fx.Ids.Member, fx.Ids.Stranger, fx.Ids.Admin })
        {
            using var response = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var unavailableLines = fx.Gateway.AppLog().Split('\n').Count(l => l.Contains("Redis token cache unavailable", StringComparison.Ordinal));
        Assert.Equal(1, unavailableLines);

        await fx.Redis.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var cachedAgain = false;
        while (!cachedAgain && DateTime.UtcNow < deadline)
        {
            var token = "back-" + Guid.NewGuid().ToString("N");
            fx.Keystone.AddToken(token, "u", "project-a", ["member"]);
            using var response = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            cachedAgain = (await AllKeysAsync(fx.Redis)).Contains(Prefix + Sha256(token));
            if (!cachedAgain)
            {
                await Task.Delay(200);
            }
        }

        Assert.True(cachedAgain, "the gateway did not write to Redis again after it came back");
    }

    private static Task<GatewayHost> ReplicaAsync(GatewayFixture fx, IDictionary<string, string?>? extra = null, TimeProvider? time = null)
    {
        var settings = fx.Keystone.Settings();
        settings["ConnectionStrings:Redis"] = fx.Redis.ConnectionString;
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return GatewayHost.StartAsync(settings, time);
    }

    // Raw SCAN, no client timeouts: asked right after Redis came back, a multiplexer with 1 s to
    // connect and 1 s per command timed out (RedisKeyListingTests reproduces it).
    private static Task<IReadOnlyList<string>> AllKeysAsync(RedisServer redis) => redis.KeysAsync();

    private static async Task RewriteEntryAsync(RedisServer redis, string key, Func<byte[], byte[]> rewrite)
    {
        await using var mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = mux.GetDatabase();
        if (await db.KeyTypeAsync(key) == RedisType.Hash)
        {
            byte[] data = (await db.HashGetAsync(key, "data"))!;
            await db.HashSetAsync(key, "data", rewrite(data));
        }
        else
        {
            byte[] data = (await db.StringGetAsync(key))!;
            await db.StringSetAsync(key, rewrite(data), keepTtl: true);
        }
    }

    private static byte[] Replace(byte[] bytes, string from, string to)
    {
        var text = Encoding.Latin1.GetString(bytes);
        Assert.Contains(from, text, StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }

    private static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string TokenJson(string userId, string projectId, DateTimeOffset expiresAt) =>
        $"{{\"token\": {{\"user\": {{\"id\": \"{userId}\"}}, \"project\": {{\"id\": \"{projectId}\"}}, \"roles\": [{{\"id\": \"r\", \"name\": \"member\"}}], \"expires_at\": \"{expiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffffZ}\"}}}}";
}
