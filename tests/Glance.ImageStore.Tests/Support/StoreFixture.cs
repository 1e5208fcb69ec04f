using Glance.Policy.Rules;

namespace Glance.ImageStore.Tests.Support;

/// <summary>One store per test class; every test makes its own images, so no test sees another's.</summary>
public class StoreFixture : IAsyncLifetime
{
    public StoreInstance Store { get; private set; } = null!;

    /// <summary>The rules the store is given as a host would give them; null: its own (legacy defaults).</summary>
    protected virtual IPolicyRulesProvider? Policy => null;

    public async Task InitializeAsync() => Store = await StoreInstance.StartAsync(policy: Policy);

    public async Task DisposeAsync() => await Store.DisposeAsync();
}

/// <summary>
/// A store with Glance's secure RBAC (CONFORMANCE.md section 5): <c>enforce_secure_rbac</c>,
/// <c>enforce_new_defaults</c> and <c>enforce_scope</c> all true, the packaged defaults.
/// </summary>
public sealed class SecureStoreFixture : StoreFixture
{
    protected override IPolicyRulesProvider? Policy { get; } = new PolicyRulesHolder(PolicyRules.Defaults(PolicyMode.Secure));
}
