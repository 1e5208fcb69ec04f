using Glance.Policy.Rules;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Cache;

/// <summary>
/// A store with the image cache on (legacy policy), one per test class; the subclasses change the
/// engine, the policy mode, or turn the cache off.
/// </summary>
public class CacheStoreFixture : IAsyncLifetime
{
    public StoreInstance Store { get; private set; } = null!;

    public virtual DatabaseProvider Engine => DatabaseProvider.Sqlite;

    protected virtual IPolicyRulesProvider? Policy => null;

    protected virtual bool CacheEnabled => true;

    /// <summary>The cache folder of the store.</summary>
    public string CachePath => Path.Combine(Store.Options.DataPath, "image-cache");

    public async Task InitializeAsync() => Store = await StoreInstance.StartAsync(
        configure: options => options.ImageCache.Enabled = CacheEnabled, policy: Policy, engine: Engine);

    public async Task DisposeAsync()
    {
        if (Store is not null)
        {
            await Store.DisposeAsync();
        }
    }
}

/// <summary>The cache on, PostgreSQL.</summary>
public sealed class PostgresCacheStoreFixture : CacheStoreFixture
{
    public override DatabaseProvider Engine => DatabaseProvider.PostgreSQL;
}

/// <summary>The cache on, Glance's secure RBAC (enforce_new_defaults and enforce_scope).</summary>
public sealed class SecureCacheStoreFixture : CacheStoreFixture
{
    protected override IPolicyRulesProvider? Policy { get; } = new PolicyRulesHolder(PolicyRules.Defaults(PolicyMode.Secure));
}

/// <summary>The cache off (Glance without image_cache_dir), legacy policy.</summary>
public sealed class NoCacheStoreFixture : CacheStoreFixture
{
    protected override bool CacheEnabled => false;
}
