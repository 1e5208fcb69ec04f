using System.Net;
using System.Net.Sockets;
using System.Text;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.Keystone;

/// <summary>
/// A Keystone that answers one request per connection and resets the connection when a second
/// request arrives on it (what uwsgi --http-socket does to a client that reuses its connection):
/// the gateway sends the reset request again on a new connection instead of answering 503.
/// </summary>
public sealed class KeystoneClosedConnectionTests
{
    [Fact]
    public async Task Validation_KeystoneResetsReusedConnection_RetriedOnNewConnectionAndAccepted()
    {
        using var keystone = new OneRequestPerConnectionKeystone();
        await using var redis = await RedisServer.SharedOrNewAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Keystone:Url"] = keystone.Url,
            ["Keystone:Username"] = "glance-gateway",
            ["Keystone:Password"] = "service-password",
            ["Keystone:ProjectName"] = "service",
        };
        await using var gateway = await EndToEndGateway.StartAsync(settings, redis);

        // The service token is issued on the plain client's pool, validations go on the
        // validation client's: the first validation opens its connection, the second one reuses
        // it and is reset, then sent again on a new connection.
        using var first = await GlanceApi.GetAsync(gateway.Client, "/v2/images", "user-token");
        using var second = await GlanceApi.GetAsync(gateway.Client, "/v2/images", "another-user-token");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True(keystone.Resets >= 1, "the fake Keystone never reset a reused connection");
    }

    private sealed class OneRequestPerConnectionKeystone : IDisposable
    {
        private const string TokenBody =
            "{\"token\": {\"methods\": [\"password\"], \"user\": {\"id\": \"user-1\", \"name\": \"user\", \"domain\": {\"id\": \"default\"}}, " +
            "\"project\": {\"id\": \"project-1\", \"name\": \"project\", \"domain\": {\"id\": \"default\"}}, " +
            "\"roles\": [{\"id\": \"r\", \"name\": \"member\"}], \"expires_at\": \"2099-01-01T00:00:00.000000Z\", \"is_domain\": false}}";

        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _resets;

        public OneRequestPerConnectionKeystone()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public int Resets => Volatile.Read(ref _resets);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = ServeAsync(socket);
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            using (socket)
            {
                try
                {
                    var request = await ReadRequestAsync(socket);
                    var response = request.StartsWith("POST ", StringComparison.Ordinal)
                        ? Response("201 Created", "X-Subject-Token: service-token\r\n")
                        : Response("200 OK", string.Empty);
                    await socket.SendAsync(Encoding.ASCII.GetBytes(response), SocketFlags.None);

                    // A second request on this connection: reset it, unanswered.
                    var buffer = new byte[1];
                    if (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
                    {
                        Interlocked.Increment(ref _resets);
                        socket.LingerState = new LingerOption(true, 0);
                    }
                }
                catch (SocketException)
                {
                    // the client went away
                }
            }
        }

        private static string Response(string status, string headers) =>
            $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{headers}Content-Length: {Encoding.UTF8.GetByteCount(TokenBody)}\r\n\r\n{TokenBody}";

        private static async Task<string> ReadRequestAsync(Socket socket)
        {
            var received = new StringBuilder();
            var buffer = new byte[8192];
            while (true)
            {
                var text = received.ToString();
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    var length = text.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } header
                        ? int.Parse(header["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)
                        : 0;
                    if (text.Length - end - 4 >= length)
                    {
                        return text;
                    }
                }

                var read = await socket.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    return text;
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
    }
}
