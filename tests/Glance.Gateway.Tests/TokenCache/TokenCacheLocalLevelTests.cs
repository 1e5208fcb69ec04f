using Glance.Gateway.Keystone;
using Glance.Gateway.TokenCache;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using GatewayTokenCache = Glance.Gateway.TokenCache.TokenCache;

namespace Glance.Gateway.Tests.TokenCache;

/// <summary>
/// <c>Keystone:LocalCacheMegabytes</c> bounds the in-process level by what its entries take in
/// memory (about 1.2 KB for a Keystone identity, by a heap dump), not by their stored form (a
/// third of that), so that the megabytes an operator sets are megabytes of heap.
/// </summary>
public sealed class TokenCacheLocalLevelTests
{
    [Fact]
    public void KeystoneIdentity_IsChargedAboutWhatItTakesOnTheHeap()
    {
        var entry = new TokenCacheEntry(GatewayTokenCache.HashOf("t"), Identity(0), DateTimeOffset.UtcNow.AddMinutes(5));

        var bytes = GatewayTokenCache.InMemoryBytes("glance-gateway:token:" + entry.TokenHash, entry);

        Assert.InRange(bytes, 1000, 1500);
    }

    [Fact]
    public async Task OneMegabyte_HoldsAboutAThousandValidations_NotThreeThousand()
    {
        var options = Options.Create(new KeystoneOptions());
        var validator = new CountingValidator();
        using var cache = new GatewayTokenCache(
            1024 * 1024, redis: null, new TokenCacheEntrySerializer(options), validator, options, TimeProvider.System, NullLogger<GatewayTokenCache>.Instance);

        for (var i = 0; i < 4000; i++)
        {
            Assert.Equal(TokenCheckOutcome.Valid, (await cache.LookupAsync($"token-{i}", CancellationToken.None)).Outcome);
        }

        // Counted without looking tokens up again: a lookup that misses would put its token back
        // and push out others. A full level refuses new entries and trims itself by 5 % in the
        // background, so it holds between about 95 % of its bound and its bound.
        await Task.Delay(200);
        var kept = cache.LocalCount;

        // Stored forms are about 420 bytes: charged that, 1 MiB would keep about 2,500 of them.
        Assert.InRange(kept, 500, 1100);
    }

    private static CallerIdentity Identity(int i) => new(
        $"{i:x32}", $"user-{i}", $"{i + 1:x32}", $"project-{i}", ["member", "reader", "load-balancer_member"], false, DateTimeOffset.UtcNow.AddHours(1));

    private sealed class CountingValidator : ITokenValidator
    {
        private int _calls;

        public ValueTask<TokenCheck> ValidateAsync(string token, bool allowExpired, CancellationToken cancellationToken) =>
            ValueTask.FromResult(TokenCheck.Valid(Identity(Interlocked.Increment(ref _calls))));
    }
}
