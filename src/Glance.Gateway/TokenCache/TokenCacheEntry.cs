using System.ComponentModel;
using System.Text.Json.Serialization;
using Glance.Gateway.Keystone;

namespace Glance.Gateway.TokenCache;

/// <summary>
/// A cached validation. <see cref="TokenHash"/> binds the entry to its key (an entry copied under
/// another token's key is not trusted); <see cref="ValidUntil"/> is min(cache lifetime, expires_at)
/// and both it and the identity's expires_at are checked against the clock on every read.
/// Immutable, so that L1 keeps the instance and shares it between requests.
/// </summary>
[ImmutableObject(true)]
public sealed record TokenCacheEntry(string TokenHash, CallerIdentity Identity, DateTimeOffset ValidUntil)
{
    /// <summary>What a tampered, foreign or unreadable stored entry deserializes to.</summary>
    public static TokenCacheEntry Untrusted { get; } =
        new(string.Empty, new CallerIdentity(string.Empty, null, null, null, [], false, DateTimeOffset.MinValue), DateTimeOffset.MinValue);

    /// <summary>True when the entry was written for the token with this hash.</summary>
    public bool IsFor(string tokenHash) => TokenHash.Length > 0 && string.Equals(TokenHash, tokenHash, StringComparison.Ordinal);
}

/// <summary>Source-generated JSON for cache entries.</summary>
[JsonSerializable(typeof(TokenCacheEntry))]
public sealed partial class TokenCacheJsonContext : JsonSerializerContext;
