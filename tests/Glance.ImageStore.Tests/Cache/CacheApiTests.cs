using System.Text.RegularExpressions;
using Glance.ImageStore.Tests.Support;
using static Glance.ImageStore.Tests.Cache.CacheTestKit;

namespace Glance.ImageStore.Tests.Cache;

/// <summary>
/// The cache API with the cache on (legacy policy), against what Glance 25.1 answered with
/// <c>image_cache_dir</c> set and the <c>keystone+caching</c> flavor (src/Glance.ImageStore/README.md,
/// "Image cache"). Tests of one class run one after another, so a clear cannot race another test.
/// </summary>
public abstract partial class CacheApiTests(CacheStoreFixture fixture)
{
    private StoreClient Admin => fixture.Store.Client(Caller.Admin);

    private StoreClient NewOwner() => fixture.Store.Client(Caller.Project("cache-" + Guid.NewGuid().ToString("N")));

    [Fact]
    public async Task Queue_ActiveImage_Is202AndThePrefetcherCachesIt()
    {
        var (imageId, data) = await ActiveImageAsync(NewOwner(), 4321);

        using (var queued = await Admin.SendAsync(HttpMethod.Put, $"v2/cache/{imageId}"))
        {
            Assert.Equal(202, (int)queued.StatusCode);
            Assert.Equal("text/html; charset=UTF-8", queued.Content.Headers.ContentType!.ToString());
            Assert.Empty(await queued.Content.ReadAsByteArrayAsync());
        }

        // Tempest's test_image_caching lists right after queueing and expects the image queued.
        var atOnce = await ListAsync(Admin);
        Assert.True(IsQueued(atOnce, imageId));
        Assert.Null(CachedEntry(atOnce, imageId));

        var listing = await WaitUntilCachedAsync(Admin, imageId);
        var entry = CachedEntry(listing, imageId);
        Assert.NotNull(entry);
        Assert.False(IsQueued(listing, imageId));
        Assert.Equal(0, (long)entry["hits"]!);
        Assert.Equal(data.Length, (long)entry["size"]!);
        Assert.Equal((double)entry["last_accessed"]!, (double)entry["last_modified"]!);
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(fixture.CachePath, imageId)));
        Assert.False(File.Exists(Path.Combine(fixture.CachePath, "queue", imageId)));
    }

    [Fact]
    public async Task Queue_ImageWithoutData_Is400()
    {
        var imageId = await NewOwner().CreateImageIdAsync();

        using var response = await Admin.SendAsync(HttpMethod.Put, $"v2/cache/{imageId}");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("Only images with status active can be targeted for queueing", await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task Queue_UnknownImage_Is404ImageNotFound()
    {
        using var response = await Admin.SendAsync(HttpMethod.Put, "v2/cache/non-existing-image-id");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("Image non-existing-image-id not found.", await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task Download_UncachedImage_IsSentChunkedAndCached_ThenServedFromTheCacheWithAHit()
    {
        var owner = NewOwner();
        var (imageId, data) = await ActiveImageAsync(owner, 70_000);

        var first = await DownloadAsync(owner, imageId);
        Assert.Equal(200, first.Status);
        Assert.Null(first.ContentLength);
        Assert.True(first.Chunked);
        Assert.Equal(data, first.Body);
        var afterFirst = CachedEntry(await ListAsync(Admin), imageId);
        Assert.NotNull(afterFirst);
        Assert.Equal(0, (long)afterFirst["hits"]!);
        Assert.Equal(data.Length, (long)afterFirst["size"]!);
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(fixture.CachePath, imageId)));

        var second = await DownloadAsync(owner, imageId);
        Assert.Equal(200, second.Status);
        Assert.Equal(data.Length, second.ContentLength);
        Assert.Equal(first.ContentMd5, second.ContentMd5);
        Assert.Equal(data, second.Body);
        var afterSecond = CachedEntry(await ListAsync(Admin), imageId)!;
        Assert.Equal(1, (long)afterSecond["hits"]!);
        Assert.True((double)afterSecond["last_accessed"]! > (double)afterSecond["last_modified"]!);
        Assert.Equal((double)afterFirst["last_modified"]!, (double)afterSecond["last_modified"]!);
    }

    [Fact]
    public async Task Download_CachedFileChanged_ServesTheCachedFile()
    {
        // Proof that a hit is read from the cache folder, not from the store's data.
        var owner = NewOwner();
        var (imageId, data) = await ActiveImageAsync(owner, 100);
        await DownloadAsync(owner, imageId);
        var marked = (byte[])data.Clone();
        marked[0] ^= 0xFF;
        await File.WriteAllBytesAsync(Path.Combine(fixture.CachePath, imageId), marked);

        var hit = await DownloadAsync(owner, imageId);

        Assert.Equal(marked, hit.Body);
    }

    [Fact]
    public async Task List_Body_IsGlanceJson()
    {
        var owner = NewOwner();
        var (imageId, data) = await ActiveImageAsync(owner, 1234);
        await DownloadAsync(owner, imageId);
        var queuedOnly = Guid.NewGuid().ToString();
        WriteQueueFile(fixture.CachePath, queuedOnly);
        try
        {
            using var response = await Admin.SendAsync(HttpMethod.Get, "v2/cache");
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
            Assert.Matches(ListingShape(), body);
            Assert.Matches(new Regex("\\{\"image_id\": \"" + imageId + "\", \"hits\": 0, \"last_accessed\": (?<t>[0-9]+\\.[0-9]+), \"last_modified\": \\k<t>, \"size\": " + data.Length + "\\}"), body);
            Assert.Contains("\"" + queuedOnly + "\"", body, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(Path.Combine(fixture.CachePath, "queue", queuedOnly));
        }
    }

    [Fact]
    public async Task List_CachedImages_AreOrderedByImageId()
    {
        var owner = NewOwner();
        for (var i = 0; i < 3; i++)
        {
            var (imageId, _) = await ActiveImageAsync(owner, 10);
            await DownloadAsync(owner, imageId);
        }

        var ids = (await ListAsync(Admin))["cached_images"]!.AsArray().Select(e => (string)e!["image_id"]!).ToList();

        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public async Task DeleteEntry_CachedImage_Is204AndTheFileAndRowGo()
    {
        var owner = NewOwner();
        var (imageId, _) = await ActiveImageAsync(owner);
        await DownloadAsync(owner, imageId);
        Assert.NotNull(CachedEntry(await ListAsync(Admin), imageId));

        using var response = await Admin.SendAsync(HttpMethod.Delete, $"v2/cache/{imageId}");

        Assert.Equal(204, (int)response.StatusCode);
        Assert.Null(CachedEntry(await ListAsync(Admin), imageId));
        Assert.False(File.Exists(Path.Combine(fixture.CachePath, imageId)));
        Assert.Null((await DownloadAsync(owner, imageId)).ContentLength);
    }

    [Fact]
    public async Task DeleteEntry_QueuedIdOfNoImage_Is204AndLeavesTheQueue()
    {
        // delete_cache_entry: an image the database does not have is removed when it is queued.
        var id = Guid.NewGuid().ToString();
        WriteQueueFile(fixture.CachePath, id);
        Assert.True(IsQueued(await ListAsync(Admin), id));

        using var response = await Admin.SendAsync(HttpMethod.Delete, $"v2/cache/{id}");

        Assert.Equal(204, (int)response.StatusCode);
        Assert.False(IsQueued(await ListAsync(Admin), id));
    }

    [Fact]
    public async Task DeleteEntry_UnknownImage_Is404ImageNotFound()
    {
        var id = Guid.NewGuid().ToString();

        using var response = await Admin.SendAsync(HttpMethod.Delete, $"v2/cache/{id}");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal($"Image {id} not found.", await ErrorText.ExplanationAsync(response));
    }

    [Theory]
    [InlineData(null, true, true)]
    [InlineData("", true, true)]
    [InlineData("cache", true, false)]
    [InlineData("Cache", true, false)]
    [InlineData("queue", false, true)]
    [InlineData("QUEUE", false, true)]
    public async Task Clear_Target_ClearsWhatItNames(string? target, bool clearsCache, bool clearsQueue)
    {
        var owner = NewOwner();
        var (cachedId, _) = await ActiveImageAsync(owner);
        await DownloadAsync(owner, cachedId);
        var queuedId = Guid.NewGuid().ToString();
        WriteQueueFile(fixture.CachePath, queuedId);

        using var response = await Admin.SendAsync(HttpMethod.Delete, "v2/cache", configure: r =>
        {
            if (target is not null)
            {
                r.Headers.Add("x-image-cache-clear-target", target);
            }
        });

        Assert.Equal(204, (int)response.StatusCode);
        var listing = await ListAsync(Admin);
        Assert.Equal(clearsCache, CachedEntry(listing, cachedId) is null);
        Assert.Equal(clearsCache, !File.Exists(Path.Combine(fixture.CachePath, cachedId)));
        Assert.Equal(clearsQueue, !IsQueued(listing, queuedId));
        if (clearsCache)
        {
            Assert.Empty(listing["cached_images"]!.AsArray());
        }

        if (clearsQueue)
        {
            Assert.Empty(listing["queued_images"]!.AsArray());
        }

        File.Delete(Path.Combine(fixture.CachePath, "queue", queuedId));
    }

    [Fact]
    public async Task Clear_UnknownTarget_Is400AndClearsNothing()
    {
        var owner = NewOwner();
        var (cachedId, _) = await ActiveImageAsync(owner);
        await DownloadAsync(owner, cachedId);

        using var response = await Admin.SendAsync(HttpMethod.Delete, "v2/cache", accept: "*/*", configure: r => r.Headers.Add("x-image-cache-clear-target", "invalid"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("text/html; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("If provided &#x27;x-image-cache-clear-target&#x27; must be &#x27;cache&#x27;, &#x27;queue&#x27; or empty string.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(CachedEntry(await ListAsync(Admin), cachedId));
    }

    [Fact]
    public async Task DeleteImage_CachedImage_LeavesTheCache()
    {
        var owner = NewOwner();
        var (imageId, _) = await ActiveImageAsync(owner);
        await DownloadAsync(owner, imageId);
        Assert.NotNull(CachedEntry(await ListAsync(Admin), imageId));

        using var deleted = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}");

        Assert.Equal(204, (int)deleted.StatusCode);
        Assert.Null(CachedEntry(await ListAsync(Admin), imageId));
        Assert.False(File.Exists(Path.Combine(fixture.CachePath, imageId)));
    }

    [Fact]
    public async Task Download_DeactivatedCachedImage_IsNotServedFromTheCache()
    {
        var owner = NewOwner();
        var (imageId, _) = await ActiveImageAsync(owner);
        await DownloadAsync(owner, imageId);
        (await Admin.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/actions/deactivate")).Dispose();

        var refused = await DownloadAsync(owner, imageId);
        var admin = await DownloadAsync(Admin, imageId);

        Assert.Equal(403, refused.Status);
        Assert.Equal(200, admin.Status);
        Assert.True(admin.Chunked);
        Assert.Equal(0, (long)CachedEntry(await ListAsync(Admin), imageId)!["hits"]!);
    }

    // {"cached_images": [...], "queued_images": [...]}, Python's separators.
    [GeneratedRegex("^\\{\"cached_images\": \\[(\\{\"image_id\": \"[^\"]+\", \"hits\": [0-9]+, \"last_accessed\": [0-9]+\\.[0-9]+, \"last_modified\": [0-9]+\\.[0-9]+, \"size\": [0-9]+\\}(, )?)*\\], \"queued_images\": \\[(\"[^\"]+\"(, )?)*\\]\\}$")]
    private static partial Regex ListingShape();

    public sealed class Sqlite(CacheStoreFixture fixture) : CacheApiTests(fixture), IClassFixture<CacheStoreFixture>;

    public sealed class PostgreSql(PostgresCacheStoreFixture fixture) : CacheApiTests(fixture), IClassFixture<PostgresCacheStoreFixture>;
}
