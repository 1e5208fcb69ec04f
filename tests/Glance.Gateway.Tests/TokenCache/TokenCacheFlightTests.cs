using Glance.Gateway.Keystone;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using GatewayTokenCache = Glance.Gateway.TokenCache.TokenCache;

namespace Glance.Gateway.Tests.TokenCache;

/// <summary>
/// The cache's shared miss, in process (no Redis level): waiters share one validator call, a
/// waiter that gives up leaves it running for the others, and a refusal is shared but not kept.
/// </summary>
public sealed class TokenCacheFlightTests
{
    [Fact]
    public async Task WaiterGivingUp_DoesNotCancelTheValidationTheOthersWaitFor()
    {
        var validator = new HeldValidator();
        using var cache = NewCache(validator);
        using var impatient = new CancellationTokenSource();

        var first = cache.LookupAsync("token-a", impatient.Token).AsTask();
        var second = cache.LookupAsync("token-a", CancellationToken.None).AsTask();
        await validator.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.False(second.IsCompleted);

        validator.Answer.SetResult(TokenCheck.Valid(Identity()));
        var lookup = await second.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TokenCheckOutcome.Valid, lookup.Outcome);
        Assert.Equal(Glance.Gateway.TokenCache.TokenCacheResult.Miss, lookup.Source);
        Assert.Equal(1, validator.Calls);
        var again = await cache.LookupAsync("token-a", CancellationToken.None);
        Assert.Equal(Glance.Gateway.TokenCache.TokenCacheResult.L1, again.Source);
        Assert.Equal(1, validator.Calls);
    }

    [Fact]
    public async Task RefusedToken_IsSharedByItsWaiters_ButNotCached()
    {
        var validator = new HeldValidator();
        using var cache = NewCache(validator);

        var lookups = Enumerable.Range(0, 8).Select(_ => cache.LookupAsync("token-b", CancellationToken.None).AsTask()).ToList();
        await validator.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        validator.Answer.SetResult(TokenCheck.Rejected);
        var results = await Task.WhenAll(lookups).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(results, r => Assert.Equal(TokenCheckOutcome.Rejected, r.Outcome));
        Assert.Equal(1, validator.Calls);
        var again = await cache.LookupAsync("token-b", CancellationToken.None);
        Assert.Equal(TokenCheckOutcome.Rejected, again.Outcome);
        Assert.Equal(2, validator.Calls);
    }

    private static GatewayTokenCache NewCache(ITokenValidator validator)
    {
        var options = Options.Create(new KeystoneOptions());
        return new GatewayTokenCache(
            1024 * 1024, redis: null, new Glance.Gateway.TokenCache.TokenCacheEntrySerializer(options), validator, options, TimeProvider.System, NullLogger<GatewayTokenCache>.Instance);
    }

    private static CallerIdentity Identity() =>
        new("user", null, "project-a", null, ["member"], false, DateTimeOffset.UtcNow.AddHours(1));

    // Holds every validation until the test answers; counts the calls.
    private sealed class HeldValidator : ITokenValidator
    {
        private int _calls;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<TokenCheck> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls => Volatile.Read(ref _calls);

        public async ValueTask<TokenCheck> ValidateAsync(string token, bool allowExpired, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            Started.TrySetResult();
            return await Answer.Task;
        }
    }
}
