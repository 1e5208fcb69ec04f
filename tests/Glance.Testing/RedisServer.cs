using System.Diagnostics;
using System.Net.Sockets;

namespace Glance.Testing;

/// <summary>
/// A real <c>redis-server</c> process on a free loopback port, owned by one test class, that a
/// test can stop and start again (fault tests). Nothing is persisted to disk.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>The environment variable scripts/test.sh sets to the Redis it started for the run.</summary>
    public const string SharedVariable = "GLANCE_TEST_REDIS";

    private readonly bool _owned;
    private Process? _process;

    private RedisServer(int port, bool owned)
    {
        Port = port;
        _owned = owned;
    }

    /// <summary>The loopback port Redis listens on.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=1000,syncTimeout=1000";

    /// <summary>True while the process runs (always true for the run's shared server).</summary>
    public bool IsRunning => !_owned || _process is { HasExited: false };

    /// <summary>
    /// Starts a new server on a free port. A port that was free a moment ago can be taken before
    /// redis-server binds it (the test projects run side by side, and their outgoing connections
    /// take local ports from the same range): when the process exits before it answers, a new
    /// port is tried, up to five times.
    /// </summary>
    public static Task<RedisServer> StartNewAsync() => StartNewAsync(FreePort.Next);

    /// <summary>Starts a new server on the first port of <paramref name="nextPort"/> it can bind (see <see cref="StartNewAsync()"/>).</summary>
    public static async Task<RedisServer> StartNewAsync(Func<int> nextPort)
    {
        ArgumentNullException.ThrowIfNull(nextPort);
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(nextPort(), owned: true);
            try
            {
                await server.StartAsync();
                return server;
            }
            catch (RedisExitedException) when (attempt < 5)
            {
                await server.StopAsync();
            }
        }
    }

    /// <summary>
    /// The run's shared Redis when scripts/test.sh started one (<see cref="SharedVariable"/>),
    /// else a new server of the caller's own. A shared server cannot be stopped; fault tests that
    /// stop Redis use <see cref="StartNewAsync"/>.
    /// </summary>
    public static async Task<RedisServer> SharedOrNewAsync()
    {
        var shared = Environment.GetEnvironmentVariable(SharedVariable);
        if (!string.IsNullOrEmpty(shared))
        {
            var port = int.Parse(shared[(shared.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            var server = new RedisServer(port, owned: false);
            if (await server.PingAsync())
            {
                return server;
            }
        }

        return await StartNewAsync();
    }

    /// <summary>Starts (or restarts) the process on the same port and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        if (!_owned)
        {
            throw new InvalidOperationException("The run's shared Redis is not this test's to start or stop.");
        }

        if (IsRunning)
        {
            return;
        }

        var executable = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes" })
        {
            info.ArgumentList.Add(argument);
        }

        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Keep(string? line)
        {
            if (line is not null && errors.Count < 20)
            {
                errors.Enqueue(line);
            }
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start; install it with apt-get install -y redis-server");
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var process = _process;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (await PingAsync())
            {
                return;
            }

            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                throw new RedisExitedException(Port, process.ExitCode, errors);
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"redis-server did not answer on port {Port}");
    }

    /// <summary>Kills the process and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (!_owned)
        {
            throw new InvalidOperationException("The run's shared Redis is not this test's to start or stop.");
        }

        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>Sends a raw RESP command and returns the first reply line (for assertions on keys).</summary>
    public Task<string> CommandAsync(params string[] parts) => SendAsync(parts, CancellationToken.None);

    private async Task<string> SendAsync(string[] parts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encode(parts), cancellationToken);
        var buffer = new byte[64 * 1024];
        var read = await stream.ReadAsync(buffer, cancellationToken);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>Every key matching <paramref name="pattern"/> (SCAN over one raw connection; see <see cref="KeysAsync(int, string, CancellationToken)"/>).</summary>
    public Task<IReadOnlyList<string>> KeysAsync(string pattern = "*", CancellationToken cancellationToken = default) =>
        KeysAsync(Port, pattern, cancellationToken);

    /// <summary>
    /// Every key matching <paramref name="pattern"/> of the Redis on <paramref name="port"/>, by
    /// SCAN over one plain TCP connection. No client library and no client-side timeout: a test
    /// helper that asks right after Redis (re)started must wait for the answer, not race a
    /// client's connect and command timeouts (a multiplexer with abortConnect=false, 1 s to
    /// connect and 1 s per command returned unconnected when the handshake was slow, and its
    /// SCAN timed out in the backlog). <paramref name="cancellationToken"/> bounds the wait.
    /// </summary>
    public static async Task<IReadOnlyList<string>> KeysAsync(int port, string pattern = "*", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
        var stream = client.GetStream();
        var reader = new RespReader(stream);
        var keys = new List<string>();
        var cursor = "0";
        do
        {
            await stream.WriteAsync(Encode("SCAN", cursor, "MATCH", pattern, "COUNT", "1000"), cancellationToken);
            var reply = await reader.ReadAsync(cancellationToken) as object?[]
                ?? throw new InvalidOperationException("SCAN did not answer with an array");
            cursor = (string)reply[0]!;
            keys.AddRange(((object?[])reply[1]!).Select(k => (string)k!));
        }
        while (cursor != "0");

        return keys;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_owned)
        {
            await StopAsync();
        }
    }

    private static byte[] Encode(params string[] parts)
    {
        var builder = new System.Text.StringBuilder();
        builder.Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            builder.Append('$').Append(System.Text.Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        return System.Text.Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>redis-server exited before it answered (its port was taken, most often).</summary>
    private sealed class RedisExitedException(int port, int exitCode, IEnumerable<string> output)
        : InvalidOperationException($"redis-server exited with {exitCode} before it answered on port {port}: {string.Join(" | ", output.TakeLast(3))}");

    /// <summary>
    /// PING, bounded: a port that another process took may accept the connection and never
    /// answer, and a ping that waited for it would wait for ever.
    /// </summary>
    private async Task<bool> PingAsync()
    {
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            return (await SendAsync(["PING"], bound.Token)).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
