using System.Buffers;
using Glance.Gateway.Keystone;
using Glance.Gateway.TokenCache;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Tests.TokenCache;

/// <summary>The stored form of cache entries: round trip, MAC, and never an exception on bad bytes.</summary>
public sealed class TokenCacheEntrySerializerTests
{
    private static readonly TokenCacheEntry Entry = new(
        "ab12", new CallerIdentity("u", "user", "project-b", "b", ["member", "reader"], false, DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)),
        DateTimeOffset.Parse("2029-12-31T23:55:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData(null)]
    [InlineData("a-secret-of-sixteen+")]
    public void Entry_RoundTrips(string? secret)
    {
        var serializer = Serializer(secret);

        var read = serializer.Deserialize(new ReadOnlySequence<byte>(Write(serializer, Entry)));

        Assert.Equal(Entry.TokenHash, read.TokenHash);
        Assert.Equal(Entry.ValidUntil, read.ValidUntil);
        Assert.Equal(Entry.Identity.ProjectId, read.Identity.ProjectId);
        Assert.Equal(Entry.Identity.Roles, read.Identity.Roles);
        Assert.Equal("member,reader", read.Identity.RolesHeader);
    }

    [Fact]
    public void SignedEntry_OneByteChanged_IsUntrusted()
    {
        var serializer = Serializer("a-secret-of-sixteen+");
        var bytes = Write(serializer, Entry);
        bytes[bytes.Length / 2] ^= 0x01;

        Assert.Same(TokenCacheEntry.Untrusted, serializer.Deserialize(new ReadOnlySequence<byte>(bytes)));
    }

    [Fact]
    public void EntrySignedWithAnotherSecret_IsUntrusted()
    {
        var bytes = Write(Serializer("another-secret-of-16+"), Entry);

        Assert.Same(TokenCacheEntry.Untrusted, Serializer("a-secret-of-sixteen+").Deserialize(new ReadOnlySequence<byte>(bytes)));
    }

    [Fact]
    public void UnsignedEntry_WhenASecretIsSet_IsUntrusted()
    {
        var bytes = Write(Serializer(null), Entry);

        Assert.Same(TokenCacheEntry.Untrusted, Serializer("a-secret-of-sixteen+").Deserialize(new ReadOnlySequence<byte>(bytes)));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1 })]
    [InlineData(new byte[] { 1, (byte)'{' })]
    [InlineData(new byte[] { 9, (byte)'{', (byte)'}' })]
    public void Garbage_IsUntrusted_NeverThrows(byte[] bytes)
    {
        Assert.Same(TokenCacheEntry.Untrusted, Serializer(null).Deserialize(new ReadOnlySequence<byte>(bytes)));
    }

    [Fact]
    public void UntrustedEntry_IsForNoToken()
    {
        Assert.False(TokenCacheEntry.Untrusted.IsFor(string.Empty));
        Assert.True(Entry.IsFor("ab12"));
        Assert.False(Entry.IsFor("AB12"));
    }

    private static TokenCacheEntrySerializer Serializer(string? secret) =>
        new(Options.Create(new KeystoneOptions { CacheSecret = secret }));

    private static byte[] Write(TokenCacheEntrySerializer serializer, TokenCacheEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        serializer.Serialize(entry, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
