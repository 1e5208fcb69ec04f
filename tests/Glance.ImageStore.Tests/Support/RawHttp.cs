using System.Net.Sockets;
using System.Text;

namespace Glance.ImageStore.Tests.Support;

/// <summary>An HTTP/1.1 response as it came off the socket.</summary>
public sealed record RawResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The header's values joined with ", " (any case), or null when absent.</summary>
    public string? Header(string name)
    {
        var values = Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        return values.Count == 0 ? null : string.Join(", ", values);
    }

    /// <summary>The explanation of a plain-text Glance error body (between the blank lines).</summary>
    public string Explanation
    {
        get
        {
            var parts = Text.Split("\n\n");
            return parts.Length >= 2 ? parts[1] : Text;
        }
    }
}

/// <summary>
/// Sends one request over a fresh TCP connection with the request target exactly as written
/// (HttpClient would resolve dot segments and re-encode), and reads the whole response.
/// </summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(
        Uri baseUri, string method, string target, Caller? caller, IEnumerable<KeyValuePair<string, string>>? headers = null, string? body = null, bool chunked = false)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(baseUri.Host, baseUri.Port);
        await using var stream = client.GetStream();

        var request = new StringBuilder();
        request.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        request.Append("Host: ").Append(baseUri.Authority).Append("\r\n");
        foreach (var header in IdentityHeaders(caller).Concat(headers ?? []))
        {
            request.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        }

        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        if (chunked)
        {
            request.Append("Transfer-Encoding: chunked\r\n");
        }
        else if (body is not null)
        {
            request.Append("Content-Length: ").Append(bytes.Length).Append("\r\n");
        }

        request.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request.ToString()));
        if (chunked)
        {
            if (bytes.Length > 0)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{bytes.Length:x}\r\n"));
                await stream.WriteAsync(bytes);
                await stream.WriteAsync("\r\n"u8.ToArray());
            }

            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }
        else
        {
            await stream.WriteAsync(bytes);
        }

        using var buffer = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await stream.CopyToAsync(buffer, timeout.Token);
        return Parse(buffer.ToArray(), string.Equals(method, "HEAD", StringComparison.Ordinal));
    }

    private static IEnumerable<KeyValuePair<string, string>> IdentityHeaders(Caller? caller)
    {
        if (caller is null || !caller.Authenticated)
        {
            yield break;
        }

        yield return new("X-Identity-Status", "Confirmed");
        yield return new("X-User-Id", caller.Name + "-user");
        if (caller.ProjectId is not null)
        {
            yield return new("X-Project-Id", caller.ProjectId);
        }

        yield return new("X-Roles", caller.Roles);
    }

    private static RawResponse Parse(byte[] raw, bool head)
    {
        var end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end > 0, "no complete response head: " + Encoding.Latin1.GetString(raw));
        var lines = Encoding.Latin1.GetString(raw, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => new KeyValuePair<string, string>(p[0].Trim(), p[1].Trim())).ToList();
        var rest = raw[(end + 4)..];
        var response = new RawResponse(status, headers, rest);
        if (head || status is 204 or 304)
        {
            return response with { Body = [] };
        }

        return response.Header("Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase)
            ? response with { Body = Dechunk(rest) }
            : response;
    }

    private static byte[] Dechunk(byte[] data)
    {
        using var output = new MemoryStream();
        var position = 0;
        while (true)
        {
            var lineEnd = data.AsSpan(position).IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(data, position, lineEnd).Split(';')[0], 16);
            position += lineEnd + 2;
            if (size == 0)
            {
                return output.ToArray();
            }

            output.Write(data, position, size);
            position += size + 2;
        }
    }
}
