using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Glance.Gateway.Keystone;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.TokenCache;

/// <summary>
/// Token validations cached as keystonemiddleware does: key = prefix + lower-case hex SHA-256 of
/// the token (never the token), an in-process L1 (bounded by what its entries take on the heap) in
/// front of Redis (L2) when configured. Concurrent misses for one key make one Redis read and at
/// most one validator call, whose result every waiter shares; a waiter that gives up does not
/// cancel it for the others. Every read checks the entry against the clock: an expired token is
/// refused from any level, an entry past its cache lifetime is validated again; an entry that is
/// not for this token or fails its MAC is a miss. A validation is written to both levels with the
/// time the token has left when that is shorter than the cache lifetime, so that no level (nor
/// another replica) keeps it a moment longer.
/// </summary>
public sealed partial class TokenCache : IDisposable
{
    /// <summary>A stored entry larger than this is not cached (a token with an unusually large identity).</summary>
    public const int MaximumPayloadBytes = 64 * 1024;

    private readonly MemoryCache _local;
    private readonly ResilientDistributedCache? _redis;
    private readonly TokenCacheEntrySerializer _serializer;
    private readonly ITokenValidator _validator;
    private readonly TimeProvider _time;
    private readonly ILogger<TokenCache> _logger;
    private readonly string _prefix;
    private readonly TimeSpan _lifetime;
    private readonly ConcurrentDictionary<(string Key, bool ReadRedis), Task<Fetched>> _inFlight = new();

    /// <summary>
    /// Creates the cache: L1 bounded to <paramref name="localBytes"/>, L2 <paramref name="redis"/>
    /// (null: in process only).
    /// </summary>
    public TokenCache(
        long localBytes,
        ResilientDistributedCache? redis,
        TokenCacheEntrySerializer serializer,
        ITokenValidator validator,
        IOptions<KeystoneOptions> options,
        TimeProvider time,
        ILogger<TokenCache> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _local = new MemoryCache(new MemoryCacheOptions { SizeLimit = localBytes });
        _redis = redis;
        _serializer = serializer;
        _validator = validator;
        _time = time;
        _logger = logger;
        _prefix = options.Value.CacheKeyPrefix;
        _lifetime = TimeSpan.FromSeconds(options.Value.TokenCacheSeconds);
    }

    /// <summary>The cache key of a token: prefix + lower-case hex SHA-256.</summary>
    public static string KeyFor(string prefix, string token)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return prefix + HashOf(token);
    }

    /// <summary>The lower-case hex SHA-256 of a token.</summary>
    public static string HashOf(string token)
    {
        ArgumentNullException.ThrowIfNull(token);

        // On every request: the token's bytes on the stack (a Keystone token is a few hundred
        // characters), pooled beyond that; only the hex string is allocated.
        var most = Encoding.UTF8.GetMaxByteCount(token.Length);
        byte[]? rented = null;
        var bytes = most <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(most));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(token, bytes)], hash);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The infix of an <c>allow_expired</c> validation's key: it is cached apart from a plain one.</summary>
    public const string AllowExpiredInfix = "allow-expired:";

    /// <summary>Validates a token through the cache.</summary>
    public ValueTask<TokenLookup> LookupAsync(string token, CancellationToken cancellationToken) => LookupAsync(token, allowExpired: false, cancellationToken);

    /// <summary>
    /// Validates a token through the cache; with <paramref name="allowExpired"/> (a service token
    /// vouched for the request) as Keystone's <c>allow_expired=1</c> validates it: an expired token
    /// is valid, and the validation is cached under its own key (prefix + <see cref="AllowExpiredInfix"/>
    /// + hash), never mistaken for a plain one, for the cache lifetime alone.
    /// </summary>
    public async ValueTask<TokenLookup> LookupAsync(string token, bool allowExpired, CancellationToken cancellationToken)
    {
        var hash = HashOf(token);
        var key = allowExpired ? _prefix + AllowExpiredInfix + hash : _prefix + hash;
        var source = TokenCacheResult.L1;
        if (!_local.TryGetValue(key, out TokenCacheEntry? entry) || entry is null)
        {
            var fetched = await FetchAsync(token, hash, key, allowExpired, readRedis: true, cancellationToken);
            if (fetched.Entry is null)
            {
                return new TokenLookup(fetched.Outcome, null, TokenCacheResult.Miss);
            }

            (entry, source) = (fetched.Entry, fetched.Source);
        }

        if (!entry.IsFor(hash))
        {
            Log.Untrusted(_logger);
            await RemoveAsync(key);
            var fetched = await FetchAsync(token, hash, key, allowExpired, readRedis: false, cancellationToken);
            if (fetched.Entry is null)
            {
                return new TokenLookup(fetched.Outcome, null, TokenCacheResult.Miss);
            }

            (entry, source) = (fetched.Entry, fetched.Source);
        }

        var now = _time.GetUtcNow();
        if (!allowExpired && entry.Identity.ExpiresAt <= now)
        {
            await RemoveAsync(key);
            return new TokenLookup(TokenCheckOutcome.Rejected, null, source);
        }

        if (entry.ValidUntil <= now)
        {
            var fetched = await FetchAsync(token, hash, key, allowExpired, readRedis: false, cancellationToken);
            if (fetched.Entry is null)
            {
                return new TokenLookup(fetched.Outcome, null, TokenCacheResult.Miss);
            }

            (entry, source) = (fetched.Entry, fetched.Source);
        }

        return new TokenLookup(TokenCheckOutcome.Valid, entry.Identity, source);
    }

    /// <summary>How many validations the in-process level holds now.</summary>
    internal int LocalCount => _local.Count;

    /// <inheritdoc />
    public void Dispose() => _local.Dispose();

    // One fetch per key (and kind) at a time: the first caller starts it, later ones join it.
    // It runs without any caller's cancellation; each caller stops waiting on its own.
    private Task<Fetched> FetchAsync(string token, string hash, string key, bool allowExpired, bool readRedis, CancellationToken cancellationToken)
    {
        var id = (key, readRedis);
        while (true)
        {
            if (_inFlight.TryGetValue(id, out var running))
            {
                return running.WaitAsync(cancellationToken);
            }

            var flight = new TaskCompletionSource<Fetched>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight.TryAdd(id, flight.Task))
            {
                _ = RunFetchAsync(flight, id, token, hash, allowExpired);
                return flight.Task.WaitAsync(cancellationToken);
            }
        }
    }

    // The flight leaves the table before its waiters are released: a lookup that starts once the
    // answer is out never joins the finished flight (a refusal, which is not cached, would
    // otherwise be handed to it without a validation of its own).
    private async Task RunFetchAsync(TaskCompletionSource<Fetched> flight, (string Key, bool ReadRedis) id, string token, string hash, bool allowExpired)
    {
        Fetched fetched;
        try
        {
            fetched = await FetchOnceAsync(token, hash, id.Key, allowExpired, id.ReadRedis);
        }
        catch (Exception ex)
        {
            _inFlight.TryRemove(new KeyValuePair<(string, bool), Task<Fetched>>(id, flight.Task));
            flight.SetException(ex);
            return;
        }

        _inFlight.TryRemove(new KeyValuePair<(string, bool), Task<Fetched>>(id, flight.Task));
        flight.SetResult(fetched);
    }

    private async Task<Fetched> FetchOnceAsync(string token, string hash, string key, bool allowExpired, bool readRedis)
    {
        if (readRedis && _redis is not null)
        {
            var stored = new ArrayBufferWriter<byte>();
            if (await _redis.TryGetAsync(key, stored, CancellationToken.None) && stored.WrittenCount is > 0 and <= MaximumPayloadBytes)
            {
                var found = _serializer.Deserialize(new ReadOnlySequence<byte>(stored.WrittenMemory));
                if (found.IsFor(hash))
                {
                    KeepLocally(key, found);
                }

                return new Fetched(TokenCheckOutcome.Valid, found, TokenCacheResult.L2);
            }
        }

        var check = await _validator.ValidateAsync(token, allowExpired, CancellationToken.None);
        if (check.Outcome != TokenCheckOutcome.Valid || check.Identity is null)
        {
            // Not cached: a refused or unchecked token is asked about again next time.
            return new Fetched(check.Outcome, null, TokenCacheResult.Miss);
        }

        // A plain validation lasts until the token expires at the latest; an allow_expired one
        // (its token may be expired already) for the cache lifetime alone.
        var now = _time.GetUtcNow();
        var cappedByCache = now + _lifetime;
        var validUntil = !allowExpired && check.Identity.ExpiresAt < cappedByCache ? check.Identity.ExpiresAt : cappedByCache;
        var entry = new TokenCacheEntry(hash, check.Identity, validUntil);
        var left = validUntil - now;
        if (left > TimeSpan.Zero && _redis is null)
        {
            KeepLocally(key, entry);
        }
        else if (left > TimeSpan.Zero && _redis is { } redis)
        {
            // The stored form only for Redis (in process, the entry itself is kept).
            var bytes = new ArrayBufferWriter<byte>(512);
            _serializer.Serialize(entry, bytes);
            if (bytes.WrittenCount <= MaximumPayloadBytes)
            {
                KeepLocally(key, entry);
                await redis.SetAsync(
                    key,
                    new ReadOnlySequence<byte>(bytes.WrittenMemory),
                    new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = left < _lifetime ? left : _lifetime },
                    CancellationToken.None);
            }
        }

        return new Fetched(TokenCheckOutcome.Valid, entry, TokenCacheResult.Miss);
    }

    private void KeepLocally(string key, TokenCacheEntry entry)
    {
        var left = entry.ValidUntil - _time.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            using var cached = _local.CreateEntry(key);
            cached.Value = entry;
            cached.Size = InMemoryBytes(key, entry);
            cached.AbsoluteExpirationRelativeToNow = left < _lifetime ? left : _lifetime;
        }
    }

    /// <summary>
    /// What an L1 entry takes of the heap, so that <c>Keystone:LocalCacheMegabytes</c> bounds
    /// memory and not some smaller stored form: the objects (the cache's entry and its node, the
    /// record, the identity, its policy credentials and role list: about 480 bytes) and every
    /// string (24 bytes and two a character). A heap dump of the gateway after 10,560 distinct
    /// tokens came to about 1.2 KB an entry; this gives 1.1-1.3 KB for a Keystone identity.
    /// </summary>
    internal static long InMemoryBytes(string key, TokenCacheEntry entry)
    {
        const int Objects = 480;
        static long Text(string? value) => value is null ? 0 : 24 + (2L * value.Length);
        var identity = entry.Identity;
        var bytes = Objects + Text(key) + Text(entry.TokenHash) + Text(identity.UserId) + Text(identity.UserName)
            + Text(identity.ProjectId) + Text(identity.ProjectName) + Text(identity.RolesHeader);
        foreach (var role in identity.Roles)
        {
            bytes += 8 + Text(role);
        }

        foreach (var type in identity.CatalogServiceTypes ?? [])
        {
            bytes += 8 + Text(type);
        }

        // An access rule: its object and three strings, about the size of a role's four times.
        bytes += (identity.AccessRules?.Count ?? 0) * 4 * 64;
        return bytes;
    }

    private async Task RemoveAsync(string key)
    {
        _local.Remove(key);
        if (_redis is not null)
        {
            await _redis.RemoveAsync(key, CancellationToken.None);
        }
    }

    // What a fetch found: an entry (valid, from Redis or the validator), or the validator's refusal.
    private readonly record struct Fetched(TokenCheckOutcome Outcome, TokenCacheEntry? Entry, TokenCacheResult Source);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "A token cache entry was not trusted (tampered, foreign or unreadable); validating again")]
        public static partial void Untrusted(ILogger logger);
    }
}
