using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;

namespace Glance.Gateway.TokenCache;

/// <summary>
/// Redis behind the token cache, made harmless when it fails: every failure is a miss (reads) or
/// a no-op (writes), so a request falls back to Keystone instead of failing; failures are logged
/// at most every 30 seconds, and the recovery once.
/// </summary>
public sealed partial class ResilientDistributedCache(IDistributedCache inner, TimeProvider time, ILogger<ResilientDistributedCache> logger) : IBufferDistributedCache
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(30);
    private long _lastLogged = long.MinValue;
    private int _failing;

    /// <summary>Reads a key without swallowing failures (readiness probe).</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken) =>
        await inner.GetAsync("glance-gateway:readyz", cancellationToken);

    /// <inheritdoc />
    public byte[]? Get(string key)
    {
        try
        {
            var value = inner.Get(key);
            Succeeded();
            return value;
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            Failed(ex);
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        try
        {
            var value = await inner.GetAsync(key, token);
            Succeeded();
            return value;
        }
        catch (Exception ex) when (IsCacheFailure(ex, token))
        {
            Failed(ex);
            return null;
        }
    }

    /// <inheritdoc />
    public bool TryGet(string key, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (inner is not IBufferDistributedCache buffered)
        {
            var value = Get(key);
            if (value is null)
            {
                return false;
            }

            destination.Write(value);
            return true;
        }

        try
        {
            var found = buffered.TryGet(key, destination);
            Succeeded();
            return found;
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            Failed(ex);
            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (inner is not IBufferDistributedCache buffered)
        {
            var value = await GetAsync(key, token);
            if (value is null)
            {
                return false;
            }

            destination.Write(value);
            return true;
        }

        try
        {
            var found = await buffered.TryGetAsync(key, destination, token);
            Succeeded();
            return found;
        }
        catch (Exception ex) when (IsCacheFailure(ex, token))
        {
            Failed(ex);
            return false;
        }
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        Guard(() => inner.Set(key, value, options));

    /// <inheritdoc />
    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        GuardAsync(() => inner.SetAsync(key, value, options, token), token);

    /// <inheritdoc />
    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options)
    {
        if (inner is IBufferDistributedCache buffered)
        {
            Guard(() => buffered.Set(key, value, options));
        }
        else
        {
            Set(key, value.ToArray(), options);
        }
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        if (inner is IBufferDistributedCache buffered)
        {
            await GuardAsync(() => buffered.SetAsync(key, value, options, token).AsTask(), token);
        }
        else
        {
            await SetAsync(key, value.ToArray(), options, token);
        }
    }

    /// <inheritdoc />
    public void Refresh(string key) => Guard(() => inner.Refresh(key));

    /// <inheritdoc />
    public Task RefreshAsync(string key, CancellationToken token = default) => GuardAsync(() => inner.RefreshAsync(key, token), token);

    /// <inheritdoc />
    public void Remove(string key) => Guard(() => inner.Remove(key));

    /// <inheritdoc />
    public Task RemoveAsync(string key, CancellationToken token = default) => GuardAsync(() => inner.RemoveAsync(key, token), token);

    private void Guard(Action action)
    {
        try
        {
            action();
            Succeeded();
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            Failed(ex);
        }
    }

    private async Task GuardAsync(Func<Task> action, CancellationToken token)
    {
        try
        {
            await action();
            Succeeded();
        }
        catch (Exception ex) when (IsCacheFailure(ex, token))
        {
            Failed(ex);
        }
    }

    // Anything but the caller's own cancellation: connection refused, timeouts, protocol errors.
    private static bool IsCacheFailure(Exception exception, CancellationToken token = default) =>
        exception is not OperationCanceledException || !token.IsCancellationRequested;

    private void Succeeded()
    {
        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
        {
            Log.Recovered(logger);
        }
    }

    private void Failed(Exception exception)
    {
        Volatile.Write(ref _failing, 1);
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastLogged);
        if ((last == long.MinValue || time.GetElapsedTime(last, now) >= LogEvery)
            && Interlocked.CompareExchange(ref _lastLogged, now, last) == last)
        {
            Log.Unavailable(logger, exception.GetType().Name, exception.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Redis token cache unavailable ({ErrorType}: {Reason}); validating against Keystone meanwhile (logged at most every 30 s)")]
        public static partial void Unavailable(ILogger logger, string errorType, string reason);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Redis token cache reachable again")]
        public static partial void Recovered(ILogger logger);
    }
}
