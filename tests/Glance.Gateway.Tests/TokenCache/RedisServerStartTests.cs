using System.Net;
using System.Net.Sockets;
using Glance.Testing;

namespace Glance.Gateway.Tests.TokenCache;

/// <summary>
/// The test Redis's start when its port was taken between the free-port probe and the bind, as
/// another test project's connection took one in CI (<c>redis-server did not answer on port
/// 38557</c> after fifteen seconds of pinging a port redis-server had never bound).
/// </summary>
public sealed class RedisServerStartTests
{
    [Fact]
    public async Task StartNew_PortTakenBeforeTheBind_StartsOnTheNextPort()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var takenPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        var offered = new Queue<int>([takenPort, FreePort.Next()]);

        await using var redis = await RedisServer.StartNewAsync(offered.Dequeue);

        Assert.NotEqual(takenPort, redis.Port);
        Assert.Empty(offered);
        Assert.StartsWith("+PONG", await redis.CommandAsync("PING"), StringComparison.Ordinal);
    }
}
