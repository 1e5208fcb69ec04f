using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Members;

/// <summary>Racing requests on one member: the database statement decides, never both.</summary>
public abstract partial class MemberConcurrencyTests(StoreFixture fixture)
{
    [Fact]
    public async Task DeleteMember_TwoConcurrentDeletes_OneIs204AndOneIs404()
    {
        var owner = fixture.Store.Client(Caller.Project("race-" + Guid.NewGuid().ToString("N")));
        for (var round = 0; round < 20; round++)
        {
            var imageId = await owner.CreateImageIdAsync();
            await owner.AddMemberAsync(imageId, "m1");
            using var gate = new SemaphoreSlim(0);
            var tasks = Enumerable.Range(0, 2).Select(async _ =>
            {
                await gate.WaitAsync();
                using var response = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/members/m1");
                return (int)response.StatusCode;
            }).ToArray();
            gate.Release(2);
            var statuses = (await Task.WhenAll(tasks)).Order().ToArray();
            Assert.Equal([204, 404], statuses);
            Assert.Empty(await owner.MemberIdsAsync(imageId));
        }
    }

    [Fact]
    public async Task AddMember_TenConcurrentAddsOfOneMember_OneSucceedsOthers409OneRow()
    {
        var owner = fixture.Store.Client(Caller.Project("race-add-" + Guid.NewGuid().ToString("N")));
        var imageId = await owner.CreateImageIdAsync();
        using var gate = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, 10).Select(async _ =>
        {
            await gate.WaitAsync();
            using var response = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", StoreClient.Json("{\"member\": \"m1\"}"));
            return (int)response.StatusCode;
        }).ToArray();
        gate.Release(10);
        var statuses = await Task.WhenAll(tasks);
        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.Equal(9, statuses.Count(s => s == 409));
        Assert.Equal(["m1"], await owner.MemberIdsAsync(imageId));
    }
}

/// <summary>
/// The member DELETE holds only while the image is as the decision saw it: an image changed
/// between the read and the delete (made private here) keeps its member.
/// </summary>
public abstract partial class MemberDeleteStaleFactsTests(StoreFixture fixture)
{
    [Fact]
    public async Task DeleteAsync_ImageNoLongerAsDecided_RemovesNothing()
    {
        var owner = fixture.Store.Client(Caller.Project("stale-" + Guid.NewGuid().ToString("N")));
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, "m1");
        var ownerProject = (string)(await owner.GetImageAsync(imageId))!["owner"]!;
        await owner.PatchAsync(imageId, "[{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"private\"}]");
        await using var database = fixture.Store.OpenDatabase();
        var repository = new Glance.ImageStore.Persistence.MemberRepository(database.Database);

        var staleDelete = await repository.DeleteAsync(imageId, "m1", "shared", ownerProject, CancellationToken.None);
        var freshDelete = await repository.DeleteAsync(imageId, "m1", "private", ownerProject, CancellationToken.None);

        Assert.False(staleDelete);
        Assert.True(freshDelete);
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class MemberConcurrencyTests
{
    public sealed class Sqlite(StoreFixture fixture) : MemberConcurrencyTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : MemberConcurrencyTests(fixture), IClassFixture<PostgresStoreFixture>;
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class MemberDeleteStaleFactsTests
{
    public sealed class Sqlite(StoreFixture fixture) : MemberDeleteStaleFactsTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : MemberDeleteStaleFactsTests(fixture), IClassFixture<PostgresStoreFixture>;
}
