using System.Security.Cryptography;
using System.Text;
using Glance.Gateway.Keystone;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.TokenCache;

/// <summary>
/// Token validations cached as keystonemiddleware does: key = prefix + lower-case hex SHA-256 of
/// the token (never the token), HybridCache with an in-process L1 in front of Redis (L2) when
/// configured. Concurrent misses for one token make one validator call (HybridCache's stampede
/// protection). Every read checks the entry against the clock: an expired token is refused from
/// any level, an entry past its cache lifetime is validated again; an entry that is not for this
/// token or fails its MAC is a miss.
/// </summary>
public sealed partial class TokenCache
{
    private const HybridCacheEntryFlags L1Only =
        HybridCacheEntryFlags.DisableDistributedCache | HybridCacheEntryFlags.DisableUnderlyingData;

    private const HybridCacheEntryFlags NoReads =
        HybridCacheEntryFlags.DisableLocalCacheRead | HybridCacheEntryFlags.DisableDistributedCacheRead;

    private readonly HybridCache _cache;
    private readonly ITokenValidator _validator;
    private readonly TimeProvider _time;
    private readonly ILogger<TokenCache> _logger;
    private readonly string _prefix;
    private readonly TimeSpan _lifetime;
    private readonly HybridCacheEntryOptions _l1Only;
    private readonly HybridCacheEntryOptions _normal;
    private readonly HybridCacheEntryOptions _refetch;

    /// <summary>Creates the cache.</summary>
    public TokenCache(HybridCache cache, ITokenValidator validator, IOptions<KeystoneOptions> options, TimeProvider time, ILogger<TokenCache> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _cache = cache;
        _validator = validator;
        _time = time;
        _logger = logger;
        _prefix = options.Value.CacheKeyPrefix;
        _lifetime = TimeSpan.FromSeconds(options.Value.TokenCacheSeconds);
        _l1Only = new HybridCacheEntryOptions { Flags = L1Only };
        // A miss's validation is written to Redis once, by FetchAsync with the lifetime the token
        // really has; HybridCache's own write (with the lifetime fixed before the factory ran)
        // could land after it and win.
        _normal = new HybridCacheEntryOptions { Expiration = _lifetime, LocalCacheExpiration = _lifetime, Flags = HybridCacheEntryFlags.DisableDistributedCacheWrite };
        _refetch = new HybridCacheEntryOptions
        {
            Expiration = _lifetime, LocalCacheExpiration = _lifetime, Flags = NoReads | HybridCacheEntryFlags.DisableDistributedCacheWrite,
        };
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
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
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
        try
        {
            var source = TokenCacheResult.L1;
            var entry = await _cache.GetOrCreateAsync<TokenCacheEntry?>(key, static _ => default, _l1Only, cancellationToken: cancellationToken);
            if (entry is null)
            {
                (entry, source) = await FetchAsync(token, hash, key, allowExpired, _normal, cancellationToken);
            }

            if (!entry.IsFor(hash))
            {
                Log.Untrusted(_logger);
                await _cache.RemoveAsync(key, cancellationToken);
                (entry, source) = await FetchAsync(token, hash, key, allowExpired, _refetch, cancellationToken);
            }

            var now = _time.GetUtcNow();
            if (!allowExpired && entry.Identity.ExpiresAt <= now)
            {
                await _cache.RemoveAsync(key, cancellationToken);
                return new TokenLookup(TokenCheckOutcome.Rejected, null, source);
            }

            if (entry.ValidUntil <= now)
            {
                (entry, source) = await FetchAsync(token, hash, key, allowExpired, _refetch, cancellationToken);
            }

            return new TokenLookup(TokenCheckOutcome.Valid, entry.Identity, source);
        }
        catch (TokenCheckFailedException failed)
        {
            return new TokenLookup(failed.Outcome, null, TokenCacheResult.Miss);
        }
    }

    private async ValueTask<(TokenCacheEntry Entry, TokenCacheResult Source)> FetchAsync(
        string token, string hash, string key, bool allowExpired, HybridCacheEntryOptions options, CancellationToken cancellationToken)
    {
        var probe = new MissProbe(this, token, hash, allowExpired);
        var entry = await _cache.GetOrCreateAsync(key, probe, static (p, ct) => p.ValidateAsync(ct), options, cancellationToken: cancellationToken);
        if (probe.Called)
        {
            // HybridCache fixes an entry's lifetime before the factory runs; the validation is
            // stored (in both levels, Redis written only here) with the time the token has left
            // when that is shorter, so that no level (nor another replica) keeps it a moment longer.
            var left = entry.ValidUntil - _time.GetUtcNow();
            if (left > TimeSpan.Zero)
            {
                var lifetime = left < _lifetime ? left : _lifetime;
                await _cache.SetAsync(key, entry, new HybridCacheEntryOptions { Expiration = lifetime, LocalCacheExpiration = lifetime }, cancellationToken: cancellationToken);
            }
        }

        return (entry, probe.Called ? TokenCacheResult.Miss : TokenCacheResult.L2);
    }

    // The factory of a miss; records that it ran so the lookup can tell L2 from a validator call.
    private sealed class MissProbe(TokenCache owner, string token, string hash, bool allowExpired)
    {
        public bool Called { get; private set; }

        public async ValueTask<TokenCacheEntry> ValidateAsync(CancellationToken cancellationToken)
        {
            Called = true;
            var check = await owner._validator.ValidateAsync(token, allowExpired, cancellationToken);
            if (check.Outcome != TokenCheckOutcome.Valid || check.Identity is null)
            {
                // Not cached: HybridCache stores only what the factory returns.
                throw new TokenCheckFailedException(check.Outcome);
            }

            // A plain validation lasts until the token expires at the latest; an allow_expired one
            // (its token may be expired already) for the cache lifetime alone.
            var cappedByCache = owner._time.GetUtcNow() + owner._lifetime;
            var validUntil = !allowExpired && check.Identity.ExpiresAt < cappedByCache ? check.Identity.ExpiresAt : cappedByCache;
            return new TokenCacheEntry(hash, check.Identity, validUntil);
        }
    }

    private sealed class TokenCheckFailedException(TokenCheckOutcome outcome) : Exception
    {
        public TokenCheckOutcome Outcome { get; } = outcome;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "A token cache entry was not trusted (tampered, foreign or unreadable); validating again")]
        public static partial void Untrusted(ILogger logger);
    }
}
