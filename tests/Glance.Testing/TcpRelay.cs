using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Glance.Testing;

/// <summary>
/// A TCP relay on a loopback port of its own in front of a real server (Redis), for fault tests:
/// it forwards, refuses (a killed Redis) or stalls (a SIGSTOPped Redis: connections stay up, no
/// answers). It reads the RESP commands clients send, in every mode but Refuse, and records them,
/// so that a test counts the attempts that reached "Redis" instead of timing anything.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Link, byte> _links = new();
    private readonly ConcurrentQueue<string[]> _commands = new();
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private TaskCompletionSource _flowing = NewFlowing(completed: true);
    private int _connections;

    private TcpRelay(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    /// <summary>The current mode.</summary>
    public TcpRelayMode Mode { get; private set; } = TcpRelayMode.Forward;

    /// <summary>Connections accepted so far (refused ones included).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Every command received so far, in order, as its arguments (Latin-1).</summary>
    public IReadOnlyList<string[]> Commands => [.. _commands];

    /// <summary>A relay toward <c>127.0.0.1:<paramref name="upstreamPort"/></c>, forwarding.</summary>
    public static TcpRelay Start(int upstreamPort) => new(upstreamPort);

    /// <summary>How many commands received so far have an argument containing <paramref name="text"/> (e.g. a key prefix).</summary>
    public int CommandsMentioning(string text) =>
        _commands.Count(command => command.Any(argument => argument.Contains(text, StringComparison.Ordinal)));

    /// <summary>Forward again; what stalled connections held is delivered (SIGCONT).</summary>
    public void Forward()
    {
        lock (_gate)
        {
            Mode = TcpRelayMode.Forward;
            _flowing.TrySetResult();
        }
    }

    /// <summary>Stop forwarding, keeping every connection open and accepting new ones (SIGSTOP).</summary>
    public void Stall()
    {
        lock (_gate)
        {
            if (Mode != TcpRelayMode.Stall)
            {
                _flowing = NewFlowing(completed: false);
            }

            Mode = TcpRelayMode.Stall;
        }
    }

    /// <summary>Reset every connection and every new one (a killed Redis).</summary>
    public void Refuse()
    {
        lock (_gate)
        {
            Mode = TcpRelayMode.Refuse;
            _flowing.TrySetResult();
        }

        foreach (var link in _links.Keys)
        {
            link.Reset();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var link in _links.Keys)
        {
            link.Reset();
        }

        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource NewFlowing(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }

    private Task FlowingAsync()
    {
        lock (_gate)
        {
            return _flowing.Task;
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            if (Mode == TcpRelayMode.Refuse)
            {
                ResetSocket(client);
                continue;
            }

            var link = new Link(this, client);
            _links[link] = 0;
            _ = link.RunAsync().ContinueWith(_ => _links.TryRemove(link, out byte _), TaskScheduler.Default);
        }
    }

    private static void ResetSocket(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    // One client connection and its upstream twin. Client bytes are read (and their commands
    // recorded) whatever the mode; they are written upstream only while the relay forwards.
    private sealed class Link(TcpRelay relay, Socket client) : IDisposable
    {
        private readonly Socket _upstream = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly Channel<byte[]> _toUpstream = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        private readonly RespCommandParser _parser = new();

        public async Task RunAsync()
        {
            try
            {
                await _upstream.ConnectAsync(IPAddress.Loopback, relay._upstreamPort, relay._stop.Token);
                await Task.WhenAny(ReadClientAsync(), WriteUpstreamAsync(), ReadUpstreamAsync());
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
            {
            }
            finally
            {
                Reset();
            }
        }

        public void Dispose() => Reset();

        public void Reset()
        {
            ResetSocket(client);
            ResetSocket(_upstream);
            _toUpstream.Writer.TryComplete();
        }

        private async Task ReadClientAsync()
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await client.ReceiveAsync(buffer, SocketFlags.None, relay._stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    foreach (var command in _parser.Feed(buffer.AsSpan(0, read)))
                    {
                        relay._commands.Enqueue(command);
                    }

                    await _toUpstream.Writer.WriteAsync(buffer.AsSpan(0, read).ToArray(), relay._stop.Token);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or ChannelClosedException)
            {
            }
        }

        private async Task WriteUpstreamAsync()
        {
            try
            {
                await foreach (var chunk in _toUpstream.Reader.ReadAllAsync(relay._stop.Token))
                {
                    await relay.FlowingAsync();
                    await _upstream.SendAsync(chunk, SocketFlags.None, relay._stop.Token);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }

        private async Task ReadUpstreamAsync()
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    await relay.FlowingAsync();
                    var read = await _upstream.ReceiveAsync(buffer, SocketFlags.None, relay._stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    await relay.FlowingAsync();
                    await client.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, relay._stop.Token);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }
    }

    // RESP as clients send it: arrays of bulk strings, split anywhere across reads.
    private sealed class RespCommandParser
    {
        private readonly List<byte> _pending = [];

        public List<string[]> Feed(ReadOnlySpan<byte> bytes)
        {
            _pending.AddRange(bytes);
            var commands = new List<string[]>();
            var position = 0;
            while (TryParse(ref position, out var command))
            {
                commands.Add(command);
                _pending.RemoveRange(0, position);
                position = 0;
            }

            return commands;
        }

        private bool TryParse(ref int position, out string[] command)
        {
            command = [];
            var at = position;
            if (!TryLine(ref at, out var header) || header.Length == 0)
            {
                return false;
            }

            if (header[0] != '*')
            {
                // An inline command (telnet style): one line of words.
                command = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                position = at;
                return true;
            }

            var count = int.Parse(header.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            var arguments = new string[Math.Max(count, 0)];
            for (var i = 0; i < arguments.Length; i++)
            {
                if (!TryLine(ref at, out var length) || length.Length == 0 || length[0] != '$')
                {
                    return false;
                }

                var size = int.Parse(length.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                if (_pending.Count < at + size + 2)
                {
                    return false;
                }

                arguments[i] = Encoding.Latin1.GetString([.. _pending.GetRange(at, size)]);
                at += size + 2;
            }

            command = arguments;
            position = at;
            return true;
        }

        private bool TryLine(ref int at, out string line)
        {
            for (var i = at; i + 1 < _pending.Count; i++)
            {
                if (_pending[i] == '\r' && _pending[i + 1] == '\n')
                {
                    line = Encoding.Latin1.GetString([.. _pending.GetRange(at, i - at)]);
                    at = i + 2;
                    return true;
                }
            }

            line = string.Empty;
            return false;
        }
    }
}
