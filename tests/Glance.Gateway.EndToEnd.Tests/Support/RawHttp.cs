using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Glance.Gateway.EndToEnd.Tests.Support;

/// <summary>One HTTP/1.1 answer as it came off the wire: status, headers in order, body (UTF-8).</summary>
public sealed record RawHttpResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    /// <summary>Every value of a header (case-insensitive name), joined with ", "; null when absent.</summary>
    public string? Header(string name)
    {
        var values = Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        return values.Count == 0 ? null : string.Join(", ", values);
    }
}

/// <summary>
/// A request written byte for byte on a new TCP connection (<c>Connection: close</c>), for the
/// request targets HttpClient would change: it resolves <c>.</c> and <c>..</c> segments, may
/// re-encode the path, and sends CONNECT in authority form. The target goes on the request line
/// exactly as given.
/// </summary>
public static class RawHttp
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Sends <c>METHOD TARGET HTTP/1.1</c> with <c>Host</c>, <c>Connection: close</c>, <paramref name="headers"/> and an optional body, and reads the answer until the server closes.</summary>
    public static async Task<RawHttpResponse> SendAsync(
        Uri server, string method, string target, IEnumerable<KeyValuePair<string, string>>? headers = null, string? body = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(target);
        var content = body is null ? null : Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Host).Append(':').Append(server.Port.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in headers ?? [])
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (content is not null)
        {
            head.Append("Content-Length: ").Append(content.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        head.Append("\r\n");

        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancel.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), cancel.Token);
        if (content is not null)
        {
            await stream.WriteAsync(content, cancel.Token);
        }

        await stream.FlushAsync(cancel.Token);
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancel.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException(
                $"{method} {target} to {server}: no end of answer within {(timeout ?? DefaultTimeout).TotalSeconds:0} s; read so far: " +
                Encoding.Latin1.GetString(received.ToArray()));
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer (some servers close hard): what arrived is the answer.
        }

        return Parse(received.ToArray(), method, target);
    }

    private static RawHttpResponse Parse(byte[] bytes, string method, string target)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0 || !text.StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{method} {target}: not an HTTP answer: {text}");
        }

        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].AsSpan(9, 3), CultureInfo.InvariantCulture);
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .Select(parts => new KeyValuePair<string, string>(parts[0].Trim(), parts.Length > 1 ? parts[1].Trim() : string.Empty))
            .ToList();
        var response = new RawHttpResponse(status, headers, string.Empty);
        var rest = bytes.AsSpan(end + 4);
        if (method == "HEAD" || status is 204 or 304 || (status >= 100 && status < 200))
        {
            return response;
        }

        byte[] body;
        if (response.Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            body = Dechunk(rest, method, target);
        }
        else if (response.Header("Content-Length") is { } length)
        {
            var count = int.Parse(length, CultureInfo.InvariantCulture);
            body = rest[..Math.Min(count, rest.Length)].ToArray();
        }
        else
        {
            body = rest.ToArray();
        }

        return response with { Body = Encoding.UTF8.GetString(body) };
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> data, string method, string target)
    {
        var output = new MemoryStream();
        var at = 0;
        while (true)
        {
            var lineEnd = data[at..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                throw new InvalidOperationException($"{method} {target}: truncated chunked body");
            }

            var sizeText = Encoding.Latin1.GetString(data.Slice(at, lineEnd)).Split(';')[0].Trim();
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            at += lineEnd + 2;
            if (size == 0)
            {
                return output.ToArray();
            }

            output.Write(data.Slice(at, size));
            at += size + 2;
        }
    }
}
