using WireMock.Server;

namespace Glance.Gateway.Resilience.Tests.Support;

/// <summary>
/// A WireMock server (Keystone, a backend) "coming back": a new server on the port of one that
/// was stopped, with the same mappings, so the gateway sees the same address answer again.
/// </summary>
public static class WireMockRestart
{
    /// <summary>Stops <paramref name="server"/> and returns its mappings and port, for <see cref="Start"/>.</summary>
    public static (int Port, WireMock.Admin.Mappings.MappingModel[] Mappings) Stop(WireMockServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var state = (server.Ports[0], server.MappingModels.ToArray());
        server.Stop();
        return state;
    }

    /// <summary>Starts a server on <paramref name="port"/> with <paramref name="mappings"/>, retrying while the port is still being released.</summary>
    public static async Task<WireMockServer> StartAsync(int port, WireMock.Admin.Mappings.MappingModel[] mappings)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var server = WireMockServer.Start(port);
                server.WithMapping(mappings);
                return server;
            }
            catch (Exception) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}
