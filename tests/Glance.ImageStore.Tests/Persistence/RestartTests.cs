using Glance.ImageStore.Tests.ImageData;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Persistence;

public sealed class RestartTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSQL)]
    public async Task Restart_SameDataPath_KeepsImagesMembersAndData(DatabaseProvider engine)
    {
        await using var store = await StoreInstance.StartAsync(engine: engine);
        var owner = store.Client(Caller.Project("restart-owner"));
        var imageId = await owner.CreateImageIdAsync("{\"name\": \"kept\", \"tags\": [\"a\"], \"custom\": \"value\"}");
        (await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", ImageDataTests.Octets([7, 7, 7]))).Dispose();
        await owner.AddMemberAsync(imageId, "restart-member", "accepted", store.Client(Caller.Project("restart-member")));
        var before = (await owner.GetImageAsync(imageId))!.ToJsonString();

        await store.StopAsync();
        await store.StartAgainAsync();

        owner = store.Client(Caller.Project("restart-owner"));
        Assert.Equal(before, (await owner.GetImageAsync(imageId))!.ToJsonString());
        Assert.Equal(["restart-member"], await owner.MemberIdsAsync(imageId));
        using var download = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file");
        Assert.Equal(new byte[] { 7, 7, 7 }, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(engine == DatabaseProvider.Sqlite, File.Exists(Path.Combine(store.Options.DataPath, "glance.db")));
    }
}
