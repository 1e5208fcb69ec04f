namespace Glance.ImageStore.Tests.Support;

/// <summary>One store per test class; every test makes its own images, so no test sees another's.</summary>
public sealed class StoreFixture : IAsyncLifetime
{
    public StoreInstance Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await StoreInstance.StartAsync();

    public async Task DisposeAsync() => await Store.DisposeAsync();
}
