using Glance.ImageStore.Tests.Support;
using static Glance.ImageStore.Tests.Cache.CacheTestKit;

namespace Glance.ImageStore.Tests.Cache;

/// <summary>
/// Who may use the cache API: <c>cache_list</c>, <c>cache_image</c>, <c>cache_delete</c> are
/// <c>role:admin</c> in both modes (legacy: or <c>rule:manage_image_cache</c>, also role:admin). A
/// refusal is 403 naming the rule, after the image lookup for the per-image calls (an image the
/// caller cannot see is 404 first), as Glance 25.1 answered the owner-user of tests/keystone.
/// </summary>
public abstract class CachePolicyTests(CacheStoreFixture fixture)
{
    private StoreClient Admin => fixture.Store.Client(Caller.Admin);

    private StoreClient NewOwner() => fixture.Store.Client(Caller.Project("cache-" + Guid.NewGuid().ToString("N")));

    [Fact]
    public async Task List_ProjectMember_Is403CacheList()
    {
        using var response = await NewOwner().SendAsync(HttpMethod.Get, "v2/cache");

        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("You are not authorized to complete cache_list action.", await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task Clear_ProjectMember_Is403CacheDeleteAndClearsNothing()
    {
        var owner = NewOwner();
        var (imageId, _) = await ActiveImageAsync(owner);
        await DownloadAsync(owner, imageId);

        using var response = await owner.SendAsync(HttpMethod.Delete, "v2/cache");

        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("You are not authorized to complete cache_delete action.", await ErrorText.ExplanationAsync(response));
        Assert.NotNull(CachedEntry(await ListAsync(Admin), imageId));
    }

    [Fact]
    public async Task Queue_OwnImageByProjectMember_Is403CacheImage()
    {
        var owner = NewOwner();
        var (imageId, _) = await ActiveImageAsync(owner);

        using var response = await owner.SendAsync(HttpMethod.Put, $"v2/cache/{imageId}");

        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("You are not authorized to complete cache_image action.", await ErrorText.ExplanationAsync(response));
        Assert.False(IsQueued(await ListAsync(Admin), imageId));
    }

    [Fact]
    public async Task DeleteEntry_OwnCachedImageByProjectMember_Is403CacheDelete()
    {
        var owner = NewOwner();
        var (imageId, _) = await ActiveImageAsync(owner);
        await DownloadAsync(owner, imageId);

        using var response = await owner.SendAsync(HttpMethod.Delete, $"v2/cache/{imageId}");

        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("You are not authorized to complete cache_delete action.", await ErrorText.ExplanationAsync(response));
        Assert.NotNull(CachedEntry(await ListAsync(Admin), imageId));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task PerImage_ImageTheCallerCannotSee_Is404BeforeTheRule(string method)
    {
        var (imageId, _) = await ActiveImageAsync(NewOwner());

        using var response = await NewOwner().SendAsync(new HttpMethod(method), $"v2/cache/{imageId}");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal($"Image {imageId} not found.", await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task List_ProjectAdmin_Is200()
    {
        await ListAsync(Admin);
    }

    public sealed class Legacy(CacheStoreFixture fixture) : CachePolicyTests(fixture), IClassFixture<CacheStoreFixture>;

    /// <summary>Secure RBAC: the same answers, and a system-scoped admin fails the project scope of every cache rule.</summary>
    public sealed class Secure(SecureCacheStoreFixture fixture) : CachePolicyTests(fixture), IClassFixture<SecureCacheStoreFixture>
    {
        private readonly SecureCacheStoreFixture _fixture = fixture;

        [Theory]
        [InlineData("GET", "v2/cache", "cache_list")]
        [InlineData("DELETE", "v2/cache", "cache_delete")]
        public async Task Collection_SystemScopedAdmin_Is403(string method, string path, string rule)
        {
            using var response = await _fixture.Store.Client(Caller.SystemAdmin).SendAsync(new HttpMethod(method), path);

            Assert.Equal(403, (int)response.StatusCode);
            Assert.Equal($"You are not authorized to complete {rule} action.", await ErrorText.ExplanationAsync(response));
        }

        [Theory]
        [InlineData("PUT", "cache_image")]
        [InlineData("DELETE", "cache_delete")]
        public async Task PerImage_SystemScopedAdmin_FindsTheImageAndIs403(string method, string rule)
        {
            // context_is_admin has no scope: the system admin sees the image, then fails the rule's project scope.
            var (imageId, _) = await ActiveImageAsync(_fixture.Store.Client(Caller.Project("cache-" + Guid.NewGuid().ToString("N"))));

            using var response = await _fixture.Store.Client(Caller.SystemAdmin).SendAsync(new HttpMethod(method), $"v2/cache/{imageId}");

            Assert.Equal(403, (int)response.StatusCode);
            Assert.Equal($"You are not authorized to complete {rule} action.", await ErrorText.ExplanationAsync(response));
        }

        [Fact]
        public async Task List_Reader_Is403CacheList()
        {
            using var response = await _fixture.Store.Client(Caller.Reader("cache-reader")).SendAsync(HttpMethod.Get, "v2/cache");

            Assert.Equal(403, (int)response.StatusCode);
            Assert.Equal("You are not authorized to complete cache_list action.", await ErrorText.ExplanationAsync(response));
        }
    }
}
