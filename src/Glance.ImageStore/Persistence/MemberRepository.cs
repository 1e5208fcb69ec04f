namespace Glance.ImageStore.Persistence;

internal sealed class MemberRepository(StoreDatabase database)
{
    public StoreDatabase Database { get; } = database;
}
