using Glance.Policy.Rules;

namespace Glance.ImageStore.Tests.Support;

/// <summary>
/// One store per test class; every test makes its own images, so no test sees another's. The
/// store's functional tests are written once, against this base, and run on both engines: each
/// test class is abstract, with a <c>Sqlite</c> and a <c>PostgreSql</c> class inside it that take
/// <see cref="StoreFixture"/> and <see cref="PostgresStoreFixture"/>.
/// </summary>
public class StoreFixture : IAsyncLifetime
{
    public StoreInstance Store { get; private set; } = null!;

    /// <summary>The engine the store runs on.</summary>
    public virtual DatabaseProvider Engine => DatabaseProvider.Sqlite;

    /// <summary>The rules the store is given as a host would give them; null: its own (legacy defaults).</summary>
    protected virtual IPolicyRulesProvider? Policy => null;

    public async Task InitializeAsync() => Store = await StoreInstance.StartAsync(policy: Policy, engine: Engine);

    public async Task DisposeAsync()
    {
        if (Store is not null)
        {
            await Store.DisposeAsync();
        }
    }
}

/// <summary>The store on PostgreSQL (a database of its own in the test run's cluster).</summary>
public sealed class PostgresStoreFixture : StoreFixture
{
    public override DatabaseProvider Engine => DatabaseProvider.PostgreSQL;
}

/// <summary>
/// A store with Glance's secure RBAC (CONFORMANCE.md section 5): <c>enforce_secure_rbac</c>,
/// <c>enforce_new_defaults</c> and <c>enforce_scope</c> all true, the packaged defaults.
/// </summary>
public class SecureStoreFixture : StoreFixture
{
    protected override IPolicyRulesProvider? Policy { get; } = new PolicyRulesHolder(PolicyRules.Defaults(PolicyMode.Secure));
}

/// <summary><see cref="SecureStoreFixture"/> on PostgreSQL.</summary>
public sealed class SecurePostgresStoreFixture : SecureStoreFixture
{
    public override DatabaseProvider Engine => DatabaseProvider.PostgreSQL;
}
