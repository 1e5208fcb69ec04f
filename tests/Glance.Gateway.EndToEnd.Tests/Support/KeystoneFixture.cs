namespace Glance.Gateway.EndToEnd.Tests.Support;

/// <summary>
/// One real Keystone for a test collection: started once before its first test, stopped after its
/// last. If it cannot start, every test of the collection fails with keystone.sh's stderr.
/// </summary>
public sealed class KeystoneFixture : IAsyncLifetime
{
    private KeystoneServer? _keystone;

    /// <summary>The running Keystone.</summary>
    public KeystoneServer Keystone => _keystone ?? throw new InvalidOperationException("Keystone did not start");

    /// <inheritdoc />
    public async Task InitializeAsync() => _keystone = await KeystoneServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_keystone is not null)
        {
            await _keystone.DisposeAsync();
        }
    }
}

/// <summary>
/// The tests that share the suite's Keystone (run one after another: validation counts are exact),
/// and the real Glances behind it (started only when a test asks for them).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedKeystoneGroup : ICollectionFixture<KeystoneFixture>, ICollectionFixture<RealGlanceFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Real Keystone";
}

/// <summary>The test that stops and resumes Keystone: a Keystone of its own, so no other test sees the outage.</summary>
[CollectionDefinition(Name)]
public sealed class OutageKeystoneGroup : ICollectionFixture<KeystoneFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Real Keystone, stopped and resumed";
}
