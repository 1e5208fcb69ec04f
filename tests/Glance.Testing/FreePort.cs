using System.Net;
using System.Net.Sockets;

namespace Glance.Testing;

/// <summary>Finds a free TCP port on loopback, so that no test depends on a fixed port.</summary>
public static class FreePort
{
    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
