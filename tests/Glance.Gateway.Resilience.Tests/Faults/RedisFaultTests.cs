using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Glance.Gateway.Resilience.Tests.Faults;

/// <summary>Redis, the shared token cache, stopped and started while requests keep coming.</summary>
public sealed class RedisFaultTests(ITestOutputHelper output)
{
    private const string Prefix = "glance-gateway:token:";

    [Fact]
    public async Task RedisStoppedAndStarted_WhileRequestsFlow_NoRequestFailsAndCacheIsUsedAgain()
    {
        await using var fx = await GatewayFixture.StartAsync();
        var standard = new[] { fx.Ids.Owner, fx.Ids.Member, fx.Ids.Stranger, fx.Ids.Admin };
        var failures = new ConcurrentQueue<string>();
        long completed = 0;
        using var stop = new CancellationTokenSource();

        // 16 clients read in a loop; every 8th request carries a token never seen before, so that
        // cache misses (Keystone, then an L2 write) happen while Redis is down as well as up.
        var workers = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var token = standard[(worker + i) % standard.Length];
                if (i % 8 == 0)
                {
                    token = $"flow-{worker}-{i}-{Guid.NewGuid():N}";
                    fx.Keystone.AddToken(token, "flow-user", Identities.OwnerProject, ["member"]);
                }

                try
                {
                    using var response = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token));
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (HttpRequestException ex)
                {
                    failures.Enqueue(ex.Message);
                }

                Interlocked.Increment(ref completed);
            }
        })).ToList();

        await UntilAsync(() => Interlocked.Read(ref completed) >= 200);
        var beforeStop = Interlocked.Read(ref completed);
        await fx.Redis.StopAsync();
        await UntilAsync(() => Interlocked.Read(ref completed) >= beforeStop + 400);
        var whileDown = Interlocked.Read(ref completed) - beforeStop;
        await fx.Redis.StartAsync();

        // Back: a fresh token's validation lands in Redis again (the L2 is written, not only L1).
        var cachedAgain = false;
        for (var attempt = 0; attempt < 300 && !cachedAgain; attempt++)
        {
            var token = "back-" + Guid.NewGuid().ToString("N");
            fx.Keystone.AddToken(token, "back-user", Identities.OwnerProject, ["member"]);
            using (var response = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token)))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            cachedAgain = (await fx.Redis.CommandAsync("EXISTS", Prefix + Sha256(token))).StartsWith(":1", StringComparison.Ordinal);
            if (!cachedAgain)
            {
                await Task.Delay(100);
            }
        }

        var afterStart = Interlocked.Read(ref completed);
        await UntilAsync(() => Interlocked.Read(ref completed) >= afterStart + 200);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Figures.Report(output, "redis-fault", $"requests={completed} while-redis-down={whileDown} failures={failures.Count} l2-used-again={cachedAgain}");
        Assert.True(failures.IsEmpty, $"{failures.Count} requests failed, e.g. {failures.FirstOrDefault()}");
        Assert.True(cachedAgain, "the gateway did not write to Redis again after it came back");
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the requests stopped flowing");
            await Task.Delay(20);
        }
    }

    private static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
