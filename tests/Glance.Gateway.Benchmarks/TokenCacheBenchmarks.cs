using BenchmarkDotNet.Attributes;
using Glance.Gateway.Keystone;
using Glance.Gateway.TokenCache;
using Glance.Testing;

namespace Glance.Gateway.Benchmarks;

/// <summary>
/// A token cache hit, as the gateway builds its cache (<c>AddTokenCache</c>, Redis as L2):
/// in process (L1), and from Redis on a replica that has not seen the token (L2).
/// </summary>
[MemoryDiagnoser]
public class TokenCacheBenchmarks
{
    private const int TokensPerIteration = 1000;
    private readonly string[] _tokens = Enumerable.Range(0, TokensPerIteration).Select(i => $"bench-token-{i:D6}-{Guid.NewGuid():N}").ToArray();
    private RedisServer? _redis;
    private WebApplication? _writer;
    private WebApplication? _reader;
    private TokenCache.TokenCache? _warm;
    private TokenCache.TokenCache? _cold;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = await RedisServer.SharedOrNewAsync();
        _writer = BuildReplica(_redis.ConnectionString, out _warm);
        foreach (var token in _tokens)
        {
            await _warm.LookupAsync(token, CancellationToken.None);
        }
    }

    // A replica with an empty L1 for every iteration of the Redis benchmark.
    [IterationSetup(Target = nameof(HitRedis))]
    public void NewReplica()
    {
        _reader?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _reader = BuildReplica(_redis!.ConnectionString, out _cold);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_reader is not null)
        {
            await _reader.DisposeAsync();
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Benchmark(OperationsPerInvoke = TokensPerIteration)]
    public async Task<int> HitInProcess()
    {
        var valid = 0;
        foreach (var token in _tokens)
        {
            var lookup = await _warm!.LookupAsync(token, CancellationToken.None);
            valid += lookup.Source == TokenCacheResult.L1 ? 1 : 0;
        }

        return valid;
    }

    [Benchmark(OperationsPerInvoke = TokensPerIteration)]
    public async Task<int> HitRedis()
    {
        var valid = 0;
        foreach (var token in _tokens)
        {
            var lookup = await _cold!.LookupAsync(token, CancellationToken.None);
            valid += lookup.Source == TokenCacheResult.L2 ? 1 : 0;
        }

        return valid;
    }

    private static WebApplication BuildReplica(string redis, out TokenCache.TokenCache cache)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:Redis"] = redis;
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<KeystoneOptions>();
        builder.Services.AddSingleton<ITokenValidator, AlwaysValid>();
        builder.AddTokenCache();
        var app = builder.Build();
        cache = app.Services.GetRequiredService<TokenCache.TokenCache>();
        return app;
    }

    // Stands in for Keystone on the writer's misses; a hit never calls it.
    private sealed class AlwaysValid : ITokenValidator
    {
        public ValueTask<TokenCheck> ValidateAsync(string token, bool allowExpired, CancellationToken cancellationToken) =>
            ValueTask.FromResult(TokenCheck.Valid(new CallerIdentity(
                "user", "user", "project", "project", ["member", "reader"], false, DateTimeOffset.UtcNow.AddHours(1))));
    }
}
