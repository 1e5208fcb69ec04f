using Glance.ImageStore.Tests.Support;
using static Glance.ImageStore.Tests.Cache.CacheTestKit;

namespace Glance.ImageStore.Tests.Cache;

/// <summary>
/// What Glance runs as cron jobs and the store runs itself: the pruner (image_cache_max_size), the
/// prefetcher over the queue, the cleaner. Each test has a store of its own.
/// </summary>
public sealed class CacheMaintenanceTests
{
    [Fact]
    public async Task Prune_OverMaxSize_RemovesTheLeastRecentlyAccessed()
    {
        await using var store = await StoreInstance.StartAsync(o =>
        {
            o.ImageCache.Enabled = true;
            o.ImageCache.MaxSizeBytes = 5000;
        });
        var owner = store.Client(Caller.Project("prune"));
        var admin = store.Client(Caller.Admin);
        var (first, _) = await ActiveImageAsync(owner, 2000);
        var (second, _) = await ActiveImageAsync(owner, 2000);
        var (third, _) = await ActiveImageAsync(owner, 2000);
        await DownloadAsync(owner, first);
        await DownloadAsync(owner, second);
        await DownloadAsync(owner, first); // a hit: first is now more recent than second

        await DownloadAsync(owner, third); // 6000 bytes > 5000: prune

        var listing = await ListAsync(admin);
        Assert.NotNull(CachedEntry(listing, first));
        Assert.Null(CachedEntry(listing, second));
        Assert.NotNull(CachedEntry(listing, third));
        Assert.False(File.Exists(Path.Combine(store.Options.DataPath, "image-cache", second)));
    }

    [Fact]
    public async Task Prefetcher_QueueFileLeftBeforeStart_IsFetchedByTheFirstRun()
    {
        await using var store = await StoreInstance.StartAsync(o => o.ImageCache.Enabled = true);
        var owner = store.Client(Caller.Project("prefetch"));
        var (imageId, data) = await ActiveImageAsync(owner, 999);
        await store.StopAsync();
        WriteQueueFile(Path.Combine(store.Options.DataPath, "image-cache"), imageId);

        await store.StartAgainAsync();
        var listing = await WaitUntilCachedAsync(store.Client(Caller.Admin), imageId);

        Assert.Equal(data.Length, (long)CachedEntry(listing, imageId)!["size"]!);
        Assert.False(IsQueued(listing, imageId));
    }

    [Fact]
    public async Task Prefetcher_QueuedIdOfNoImage_StaysQueued()
    {
        await using var store = await StoreInstance.StartAsync(o =>
        {
            o.ImageCache.Enabled = true;
            o.ImageCache.MaintenanceIntervalSeconds = 1;
        });
        var id = Guid.NewGuid().ToString();
        WriteQueueFile(Path.Combine(store.Options.DataPath, "image-cache"), id);

        await Task.Delay(2500);

        var listing = await ListAsync(store.Client(Caller.Admin));
        Assert.True(IsQueued(listing, id));
        Assert.Null(CachedEntry(listing, id));
    }

    [Fact]
    public async Task Cleaner_RemovesInvalidAndStalledIncompleteFiles_KeepsFreshOnes()
    {
        await using var store = await StoreInstance.StartAsync(o =>
        {
            o.ImageCache.Enabled = true;
            o.ImageCache.MaintenanceIntervalSeconds = 1;
            o.ImageCache.StallTimeSeconds = 3600;
        });
        var cache = Path.Combine(store.Options.DataPath, "image-cache");
        var invalid = Path.Combine(cache, "invalid", "broken");
        var stalled = Path.Combine(cache, "incomplete", "stalled");
        var fresh = Path.Combine(cache, "incomplete", "fresh");
        await File.WriteAllBytesAsync(invalid, [1]);
        await File.WriteAllBytesAsync(stalled, [1]);
        await File.WriteAllBytesAsync(fresh, [1]);
        File.SetLastWriteTimeUtc(stalled, DateTime.UtcNow.AddHours(-2));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((File.Exists(invalid) || File.Exists(stalled)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(File.Exists(invalid));
        Assert.False(File.Exists(stalled));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public async Task Download_BeingCachedElsewhere_IsSentButNotCachedTwice()
    {
        await using var store = await StoreInstance.StartAsync(o => o.ImageCache.Enabled = true);
        var owner = store.Client(Caller.Project("busy"));
        var (imageId, data) = await ActiveImageAsync(owner, 500);
        var incomplete = Path.Combine(store.Options.DataPath, "image-cache", "incomplete", imageId);
        await File.WriteAllBytesAsync(incomplete, [7]);

        var download = await DownloadAsync(owner, imageId);

        Assert.Equal(data, download.Body);
        Assert.True(download.Chunked);
        Assert.Null(CachedEntry(await ListAsync(store.Client(Caller.Admin)), imageId));
        Assert.Equal([7], await File.ReadAllBytesAsync(incomplete));
    }
}
