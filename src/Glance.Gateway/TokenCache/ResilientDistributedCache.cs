using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace Glance.Gateway.TokenCache;

/// <summary>
/// Redis behind the token cache, made harmless when it fails: every failure is a miss (reads) or
/// a no-op (writes), so a request falls back to Keystone instead of failing. The first failure
/// opens the <see cref="RedisCircuit"/>; while it is open no operation reaches Redis at all (a
/// read is an immediate miss, a write is skipped) until the circuit's background probe finds
/// Redis answering again.
/// </summary>
public sealed class ResilientDistributedCache(IDistributedCache inner, RedisCircuit circuit) : IBufferDistributedCache
{
    /// <summary>The key the probes read (it never exists).</summary>
    public const string ProbeKey = "glance-gateway:readyz";

    /// <summary>True while the circuit is closed: requests use Redis.</summary>
    public bool IsAvailable => circuit.IsClosed;

    /// <summary>
    /// Reads a key without swallowing failures (readiness probe). Throws at once while the
    /// circuit is open; a failure here opens it, as a request's would.
    /// </summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        if (!circuit.IsClosed)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis token cache unavailable (circuit open; probed in the background)");
        }

        try
        {
            await inner.GetAsync(ProbeKey, cancellationToken);
        }
        catch (Exception ex) when (IsCacheFailure(ex, cancellationToken))
        {
            circuit.Trip(ex);
            throw;
        }
    }

    /// <inheritdoc />
    public byte[]? Get(string key)
    {
        if (!circuit.IsClosed)
        {
            return null;
        }

        try
        {
            var value = inner.Get(key);
            return value;
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            circuit.Trip(ex);
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        if (!circuit.IsClosed)
        {
            return null;
        }

        try
        {
            var value = await inner.GetAsync(key, token);
            return value;
        }
        catch (Exception ex) when (IsCacheFailure(ex, token))
        {
            circuit.Trip(ex);
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

        if (!circuit.IsClosed)
        {
            return false;
        }

        try
        {
            var found = buffered.TryGet(key, destination);
            return found;
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            circuit.Trip(ex);
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

        if (!circuit.IsClosed)
        {
            return false;
        }

        try
        {
            var found = await buffered.TryGetAsync(key, destination, token);
            return found;
        }
        catch (Exception ex) when (IsCacheFailure(ex, token))
        {
            circuit.Trip(ex);
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
        if (!circuit.IsClosed)
        {
            return;
        }

        try
        {
            action();
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            circuit.Trip(ex);
        }
    }

    private async Task GuardAsync(Func<Task> action, CancellationToken token)
    {
        if (!circuit.IsClosed)
        {
            return;
        }

        try
        {
            await action();
        }
        catch (Exception ex) when (IsCacheFailure(ex, token))
        {
            circuit.Trip(ex);
        }
    }

    // Anything but the caller's own cancellation: connection refused, timeouts, protocol errors.
    private static bool IsCacheFailure(Exception exception, CancellationToken token = default) =>
        exception is not OperationCanceledException || !token.IsCancellationRequested;
}
