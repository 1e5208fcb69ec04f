using Glance.Testing;

namespace Glance.Gateway.Tests.TokenCache;

/// <summary>
/// The key listing the token cache tests assert with (<see cref="RedisServer.KeysAsync(int, string, CancellationToken)"/>),
/// against a Redis slow to answer, as one is right after a restart on a loaded machine. The old
/// helper (a StackExchange.Redis multiplexer per call: abortConnect=false, 1 s to connect, 1 s
/// per command) returned unconnected when the handshake took longer than its connect timeout
/// and its SCAN then timed out in the backlog; that was
/// <c>RedisStoppedMidTest_RequestsStillSucceed_AndCacheIsUsedAgainWhenBack</c>'s flake.
/// </summary>
public sealed class RedisKeyListingTests
{
    [Fact]
    public async Task Keys_RedisAnswersOnlyAfterTheScanArrives_AreListed()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await redis.CommandAsync("SET", "listed-key", "v");
        await using var relay = TcpRelay.Start(redis.Port);

        // Nothing is answered (handshake included) until the SCAN itself has reached "Redis": a
        // client that cannot send its command before its handshake completes gives up first.
        relay.Stall();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var listing = RedisServer.KeysAsync(relay.Port, "*", bound.Token);
        await Task.WhenAny(listing, UntilAsync(() => relay.Commands.Any(c => c.Length > 0 && c[0].Equals("SCAN", StringComparison.OrdinalIgnoreCase))));
        relay.Forward();

        Assert.Contains("listed-key", await listing);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }
}
