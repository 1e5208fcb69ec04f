namespace Glance.ImageStore.Persistence;

internal sealed class ImageRepository(StoreDatabase database)
{
    public StoreDatabase Database { get; } = database;
}
