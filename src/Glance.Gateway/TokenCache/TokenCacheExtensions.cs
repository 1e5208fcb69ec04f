using System.Globalization;
using Glance.Gateway.Hosting;
using Glance.Gateway.Keystone;
using Glance.Gateway.Telemetry;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Glance.Gateway.TokenCache;

/// <summary>Registration of the token cache.</summary>
public static class TokenCacheExtensions
{
    /// <summary>
    /// The token cache: in process, and Redis as its second level when <c>ConnectionStrings:Redis</c> is set
    /// (with short timeouts, no abort on a failed connect and a circuit that skips Redis while it
    /// fails, so Redis being down or stalled only costs a Keystone call).
    /// </summary>
    public static WebApplicationBuilder AddTokenCache(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        // The in-process level is bounded by what its entries take on the heap, so that many
        // distinct tokens cannot take more than Keystone:LocalCacheMegabytes.
        var localMegabytes = builder.Configuration.GetValue("Keystone:LocalCacheMegabytes", 4);
        services.AddSingleton<TokenCacheEntrySerializer>();
        services.AddSingleton(sp => new TokenCache(
            (long)localMegabytes * 1024 * 1024,
            sp.GetService<ResilientDistributedCache>(),
            sp.GetRequiredService<TokenCacheEntrySerializer>(),
            sp.GetRequiredService<ITokenValidator>(),
            sp.GetRequiredService<IOptions<KeystoneOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TokenCache>>()));

        var retry = RedisRetryInterval(builder.Configuration);
        var connectionString = builder.Configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var redisOptions = ParseRedis(connectionString);

            // One multiplexer, ours, in DI (tracing instrumentation resolves it there). Created on
            // first use; AbortOnConnectFail is off, so a Redis that refuses costs nothing here and
            // a stalled one at most the connect timeout, once.
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redisOptions));
            services.AddSingleton(sp => new RedisCache(Options.Create(new RedisCacheOptions
            {
                ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()),
            })));
            services.AddSingleton(sp =>
            {
                var redis = sp.GetRequiredService<RedisCache>();
                return new RedisCircuit(
                    cancellationToken => redis.GetAsync(ResilientDistributedCache.ProbeKey, cancellationToken),
                    retry,
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<GatewayMetrics>(),
                    sp.GetRequiredService<ILogger<ResilientDistributedCache>>());
            });
            services.AddHostedService(sp => sp.GetRequiredService<RedisCircuit>());
            services.AddSingleton(sp => new ResilientDistributedCache(sp.GetRequiredService<RedisCache>(), sp.GetRequiredService<RedisCircuit>()));
        }

        return builder;
    }

    /// <summary>
    /// <c>Keystone:RedisRetrySeconds</c>: how long the token cache skips Redis after a failure
    /// before its background probe asks again (keystonemiddleware's
    /// <c>memcache_pool_dead_retry</c>). A positive number of seconds, at most a day; default 5.
    /// </summary>
    public static TimeSpan RedisRetryInterval(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration["Keystone:RedisRetrySeconds"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return TimeSpan.FromSeconds(5);
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds) || seconds <= 0 || seconds > 86400)
        {
            throw new GatewayConfigurationException($"Keystone:RedisRetrySeconds must be a positive number of seconds (at most 86400), not '{text}'");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// Parses the connection string; short timeouts unless the operator set them, and no backlog:
    /// while the connection is down a command fails at once instead of waiting for its timeout.
    /// </summary>
    public static ConfigurationOptions ParseRedis(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new GatewayConfigurationException($"ConnectionStrings:Redis is not a valid StackExchange.Redis connection string: {ex.Message}", ex);
        }

        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        if (!connectionString.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.ConnectTimeout = 2000;
        }

        // The first connect waits connectTimeout x connectRetry (+0.5 s) when Redis accepts TCP
        // and does not answer (stopped, or a host that drops packets): 6.5 s with the default 3
        // retries. Without abortConnect the retries buy nothing (StackExchange.Redis reconnects
        // in the background and the circuit skips Redis meanwhile), so one attempt: 2.5 s at most.
        if (!connectionString.Contains("connectRetry", StringComparison.OrdinalIgnoreCase))
        {
            options.ConnectRetry = 1;
        }

        if (!connectionString.Contains("syncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.SyncTimeout = 1000;
        }

        if (!connectionString.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.AsyncTimeout = 1000;
        }

        return options;
    }
}
