using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Glance.Gateway.Keystone;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.TokenCache;

/// <summary>
/// The stored form of a <see cref="TokenCacheEntry"/>: a version byte, its JSON, and with
/// <c>Keystone:CacheSecret</c> an HMAC-SHA256 over both. Reading never throws (a request would
/// fail): anything unreadable, unsigned or wrongly signed becomes
/// <see cref="TokenCacheEntry.Untrusted"/>, which the cache treats as a miss.
/// </summary>
public sealed class TokenCacheEntrySerializer
{
    private const byte Plain = 1;
    private const byte Signed = 2;
    private const int MacLength = 32;
    private readonly byte[]? _key;

    /// <summary>Creates the serializer with the configured secret, if any.</summary>
    public TokenCacheEntrySerializer(IOptions<KeystoneOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var secret = options.Value.CacheSecret;
        _key = string.IsNullOrEmpty(secret) ? null : SHA256.HashData(Encoding.UTF8.GetBytes("glance-gateway token cache\n" + secret));
    }

    /// <summary>Reads a stored entry; <see cref="TokenCacheEntry.Untrusted"/> for anything it cannot trust.</summary>
    public TokenCacheEntry Deserialize(ReadOnlySequence<byte> source)
    {
        var bytes = source.IsSingleSegment ? source.FirstSpan : source.ToArray();
        if (bytes.Length < 2)
        {
            return TokenCacheEntry.Untrusted;
        }

        ReadOnlySpan<byte> json;
        if (_key is not null)
        {
            if (bytes[0] != Signed || bytes.Length < 2 + MacLength)
            {
                return TokenCacheEntry.Untrusted;
            }

            var signedPart = bytes[..^MacLength];
            Span<byte> expected = stackalloc byte[MacLength];
            HMACSHA256.HashData(_key, signedPart, expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, bytes[^MacLength..]))
            {
                return TokenCacheEntry.Untrusted;
            }

            json = signedPart[1..];
        }
        else
        {
            if (bytes[0] != Plain)
            {
                return TokenCacheEntry.Untrusted;
            }

            json = bytes[1..];
        }

        try
        {
            return JsonSerializer.Deserialize(json, TokenCacheJsonContext.Default.TokenCacheEntry) ?? TokenCacheEntry.Untrusted;
        }
        catch (JsonException)
        {
            return TokenCacheEntry.Untrusted;
        }
    }

    /// <summary>Writes the stored form of <paramref name="value"/>.</summary>
    public void Serialize(TokenCacheEntry value, IBufferWriter<byte> target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var json = JsonSerializer.SerializeToUtf8Bytes(value, TokenCacheJsonContext.Default.TokenCacheEntry);
        var length = 1 + json.Length + (_key is null ? 0 : MacLength);
        var span = target.GetSpan(length)[..length];
        span[0] = _key is null ? Plain : Signed;
        json.CopyTo(span[1..]);
        if (_key is not null)
        {
            HMACSHA256.HashData(_key, span[..(1 + json.Length)], span[(1 + json.Length)..]);
        }

        target.Advance(length);
    }
}
