using System.Net.Sockets;
using System.Text;

namespace Glance.Gateway.Resilience.Tests.Support;

/// <summary>
/// Exact bytes on a TCP connection to the gateway, for what HttpClient will not send (HTTP/1.0,
/// conflicting framing headers, pipelined requests): the answer is everything read until the
/// server closes the connection or stays silent for a while.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> and returns what came back (Latin-1).</summary>
    public static async Task<string> SendAsync(Uri address, string request, TimeSpan? quiet = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        await stream.FlushAsync();
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            using var silence = new CancellationTokenSource(quiet ?? TimeSpan.FromSeconds(3));
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, silence.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (IOException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
        }

        return Encoding.Latin1.GetString(received.ToArray());
    }

    /// <summary>The status codes of every response in <paramref name="answer"/>, in order.</summary>
    public static IReadOnlyList<int> Statuses(string answer) =>
        System.Text.RegularExpressions.Regex.Matches(answer ?? string.Empty, @"(?m)^HTTP/1\.[01] (\d{3}) ")
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
}
