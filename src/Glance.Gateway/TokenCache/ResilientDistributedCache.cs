using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace Glance.Gateway.TokenCache;

/// <summary>
/// Redis behind the token cache, made harmless when it fails: every failure is a miss (reads) or
/// a no-op (writes), so a request falls back to Keystone instead of failing. The first failure
/// opens the <see cref="RedisCircuit"/>; while it is open no operation reaches Redis at all (a
/// read is an immediate miss, a write is skipped) until the circuit's background probe finds
/// Redis answering again. Only what the token cache and the readiness check ask of Redis.
/// </summary>
public sealed class ResilientDistributedCache(IBufferDistributedCache inner, RedisCircuit circuit)
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

    /// <summary>Reads <paramref name="key"/> into <paramref name="destination"/>; false when it is not there or Redis fails.</summary>
    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!circuit.IsClosed)
        {
            return false;
        }

        try
        {
            return await inner.TryGetAsync(key, destination, token);
        }
        catch (Exception ex) when (IsCacheFailure(ex, token))
        {
            circuit.Trip(ex);
            return false;
        }
    }

    /// <summary>Writes <paramref name="key"/>; nothing when Redis fails.</summary>
    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        if (!circuit.IsClosed)
        {
            return;
        }

        try
        {
            await inner.SetAsync(key, value, options, token);
        }
        catch (Exception ex) when (IsCacheFailure(ex, token))
        {
            circuit.Trip(ex);
        }
    }

    /// <summary>Removes <paramref name="key"/>; nothing when Redis fails.</summary>
    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        if (!circuit.IsClosed)
        {
            return;
        }

        try
        {
            await inner.RemoveAsync(key, token);
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
