using Glance.Gateway.Hosting;
using Glance.Gateway.Keystone;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Glance.Gateway.TokenCache;

/// <summary>Registration of the token cache.</summary>
public static class TokenCacheExtensions
{
    /// <summary>
    /// HybridCache for validations; Redis as its L2 when <c>ConnectionStrings:Redis</c> is set
    /// (with short timeouts and no abort on a failed connect, so Redis being down only costs a
    /// Keystone call).
    /// </summary>
    public static WebApplicationBuilder AddTokenCache(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        // HybridCache's L1 is the container's IMemoryCache and gives every entry its serialized
        // size, so a size limit bounds the memory that many distinct tokens can take.
        var localMegabytes = builder.Configuration.GetValue("Keystone:LocalCacheMegabytes", 4);
        services.AddMemoryCache(options => options.SizeLimit = (long)localMegabytes * 1024 * 1024);
        services.AddHybridCache(options =>
        {
            options.MaximumKeyLength = 512;
            options.MaximumPayloadBytes = 64 * 1024;
        }).AddSerializer<TokenCacheEntry, TokenCacheEntrySerializer>();
        services.AddSingleton<TokenCache>();

        var connectionString = builder.Configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var redisOptions = ParseRedis(connectionString);
            services.AddSingleton(_ => new RedisCache(Options.Create(new RedisCacheOptions { ConfigurationOptions = redisOptions })));
            services.AddSingleton(sp => new ResilientDistributedCache(
                sp.GetRequiredService<RedisCache>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ResilientDistributedCache>>()));
            services.AddSingleton<IDistributedCache>(sp => sp.GetRequiredService<ResilientDistributedCache>());
        }

        return builder;
    }

    /// <summary>Parses the connection string; short timeouts unless the operator set them.</summary>
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
        if (!connectionString.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.ConnectTimeout = 2000;
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
