using Glance.Gateway.Telemetry;

namespace Glance.Gateway.TokenCache;

/// <summary>
/// Whether requests may use Redis, as keystonemiddleware's memcache pool marks a dead server and
/// skips it for <c>memcache_pool_dead_retry</c> seconds. Closed: requests use Redis. The first
/// failure or timeout a request sees opens it; while it is open no request touches Redis (reads
/// miss, writes are skipped), and a background probe on the <see cref="TimeProvider"/>'s timer,
/// every <see cref="RetryInterval"/>, closes it once Redis answers. A request never probes: a
/// stalled Redis (connection up, no answers) costs one timeout, not one per request.
/// </summary>
/// <remarks>
/// The transitions are rare and take a lock; the check on every cache operation is one volatile
/// read. The unavailable line is logged at most every 30 s (a flapping Redis logs once), the
/// recovery once per closing; each transition is reported to <see cref="GatewayMetrics"/>.
/// </remarks>
public sealed partial class RedisCircuit : IHostedService, IDisposable
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(30);

    private readonly Func<CancellationToken, Task> _probe;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private long _lastLogged = long.MinValue;
    private int _open;
    private int _probing;
    private int _disposed;

    /// <summary>Creates a closed circuit; <paramref name="probe"/> is a read that throws when Redis cannot answer.</summary>
    public RedisCircuit(Func<CancellationToken, Task> probe, TimeSpan retryInterval, TimeProvider time, GatewayMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retryInterval, TimeSpan.Zero);
        _probe = probe;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        RetryInterval = retryInterval;
        _timer = time.CreateTimer(static state => ((RedisCircuit)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How often the background probe asks Redis while the circuit is open (<c>Keystone:RedisRetrySeconds</c>, default 5 s).</summary>
    public TimeSpan RetryInterval { get; }

    /// <summary>True while requests may use Redis.</summary>
    public bool IsClosed => Volatile.Read(ref _open) == 0;

    /// <summary>A request saw Redis fail or time out: open the circuit (nothing happens when it is open already).</summary>
    public void Trip(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (!IsClosed)
        {
            return;
        }

        lock (_gate)
        {
            if (!IsClosed || _stopping.IsCancellationRequested)
            {
                return;
            }

            Volatile.Write(ref _open, 1);
            _timer.Change(RetryInterval, RetryInterval);
        }

        _metrics.SetRedisAvailable(false);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastLogged);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= LogEvery)
            && Interlocked.CompareExchange(ref _lastLogged, now, last) == last)
        {
            Log.Unavailable(_logger, exception.GetType().Name, exception.Message, RetryInterval.TotalSeconds);
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _metrics.SetRedisAvailable(IsClosed);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        await _stopping.CancelAsync();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Disposed twice: as itself and as the hosted service (one instance, two registrations).
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _timer.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void OnTimer()
    {
        // One probe at a time: a stalled Redis's probe may still be waiting for its timeout.
        if (Interlocked.Exchange(ref _probing, 1) == 0)
        {
            _ = ProbeOnceAsync();
        }
    }

    private async Task ProbeOnceAsync()
    {
        try
        {
            await _probe(_stopping.Token).WaitAsync(RetryInterval, _time, _stopping.Token);
            Close();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (!_stopping.IsCancellationRequested)
            {
                Log.ProbeFailed(_logger, ex, RetryInterval.TotalSeconds);
            }
        }
        finally
        {
            Volatile.Write(ref _probing, 0);
        }
    }

    private void Close()
    {
        lock (_gate)
        {
            if (IsClosed || _stopping.IsCancellationRequested)
            {
                return;
            }

            // Said before requests see the circuit closed, so that whoever sees it closed also
            // sees the gauge at 1 and the "reachable again" line.
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _metrics.SetRedisAvailable(true);
            Log.Recovered(_logger);
            Volatile.Write(ref _open, 0);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Redis token cache unavailable ({ErrorType}: {Reason}); validating against Keystone meanwhile, Redis skipped and probed every {RetrySeconds} s (logged at most every 30 s)")]
        public static partial void Unavailable(ILogger logger, string errorType, string reason, double retrySeconds);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Redis token cache reachable again")]
        public static partial void Recovered(ILogger logger);

        [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "Redis probe failed; the token cache keeps skipping Redis, next probe in {RetrySeconds} s")]
        public static partial void ProbeFailed(ILogger logger, Exception exception, double retrySeconds);
    }
}
