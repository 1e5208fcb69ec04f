using System.Buffers;
using System.Threading.Channels;
using Glance.ImageStore.Images;
using Glance.ImageStore.Persistence;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Cache;

/// <summary>
/// Fills the cache ahead of downloads and keeps it in shape, in the store's process:
/// <list type="bullet">
/// <item>Glance 25's <c>CacheWorker</c> (cached_images.py): an image queued through
/// <c>PUT /v2/cache/{image_id}</c> is submitted here and fetched <c>PrefetchDelaySeconds</c>
/// later (default 1 s: Glance's thread runs after the answer, and clients list the queue right
/// after queueing), one at a time
/// (<c>Prefetcher.fetch_image_into_cache</c>: active images only, the data checked against the
/// image's checksum).</item>
/// <item>What Glance leaves to cron jobs, every <c>MaintenanceIntervalSeconds</c> and once at
/// start: <c>glance-cache-prefetcher</c> over the whole queue (images queued by another replica,
/// or before a restart), <c>glance-cache-cleaner</c> and <c>glance-cache-pruner</c>.</item>
/// </list>
/// An image that cannot be fetched (gone, not active, no data) stays queued, as in Glance.
/// Registered only when the cache is enabled; <see cref="Submit"/> does nothing otherwise.
/// </summary>
internal sealed partial class CachePrefetcher(ImageCache cache, ImageRepository images, IStoreDatabase database, IOptions<ImageStoreOptions> options, TimeProvider time, ILogger<CachePrefetcher> logger) : BackgroundService
{
    private const int ChunkBytes = 64 * 1024;
    private readonly Channel<(string ImageId, DateTimeOffset Due)> _submitted = Channel.CreateUnbounded<(string, DateTimeOffset)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeSpan _delay = TimeSpan.FromSeconds(options.Value.ImageCache.PrefetchDelaySeconds);
    private readonly SemaphoreSlim _fetching = new(1, 1);

    /// <inheritdoc />
    public override void Dispose()
    {
        _fetching.Dispose();
        base.Dispose();
    }

    /// <summary>Fetches <paramref name="imageId"/> into the cache soon (<c>WORKER.submit</c>).</summary>
    public void Submit(string imageId)
    {
        if (cache.Enabled)
        {
            _submitted.Writer.TryWrite((imageId, time.GetUtcNow() + _delay));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cache.Enabled)
        {
            return;
        }

        await Task.WhenAll(WorkAsync(stoppingToken), MaintainAsync(stoppingToken));
    }

    /// <summary>
    /// <c>Prefetcher.fetch_image_into_cache</c>: true when the image is in the cache afterwards.
    /// Images already cached only leave the queue; an image being cached elsewhere stays queued.
    /// </summary>
    public async Task<bool> FetchIntoCacheAsync(string imageId, CancellationToken cancellationToken)
    {
        await _fetching.WaitAsync(cancellationToken);
        try
        {
            var image = await images.FindAsync(imageId, null, cancellationToken);
            if (image is null)
            {
                Log.NotFound(logger, imageId);
                return false;
            }

            if (image.Status != ImageStatus.Active)
            {
                Log.NotActive(logger, imageId);
                return false;
            }

            if (cache.IsCached(image.Id))
            {
                cache.DeleteQueuedImage(image.Id);
                return true;
            }

            var source = Path.Combine(database.ImagesPath, image.Id);
            if (!File.Exists(source))
            {
                Log.NoData(logger, imageId);
                return false;
            }

            var write = cache.TryBeginWrite(image.Id, image.Checksum);
            if (write is null)
            {
                return false;
            }

            await using (write)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                try
                {
                    await using var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    int read;
                    while ((read = await file.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
                    {
                        await write.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                return await write.CompleteAsync(cancellationToken);
            }
        }
        finally
        {
            _fetching.Release();
        }
    }

    /// <summary>One run of the three cron jobs: the cleaner, the prefetcher over the whole queue, the pruner.</summary>
    public async Task RunMaintenanceAsync(CancellationToken cancellationToken)
    {
        cache.Clean();
        foreach (var imageId in cache.GetQueuedImages())
        {
            await FetchSafelyAsync(imageId, cancellationToken);
        }

        await cache.PruneAsync(cancellationToken);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (imageId, due) in _submitted.Reader.ReadAllAsync(stoppingToken))
            {
                var wait = due - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }

                await FetchSafelyAsync(imageId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task MaintainAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ImageCache.MaintenanceIntervalSeconds), time);
        try
        {
            do
            {
                try
                {
                    await RunMaintenanceAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
                {
                    Log.MaintenanceFailed(logger, exception.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // A failed fetch is logged and the image stays queued; it never stops the worker.
    private async Task FetchSafelyAsync(string imageId, CancellationToken cancellationToken)
    {
        try
        {
            await FetchIntoCacheAsync(imageId, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            Log.FetchFailed(logger, imageId, exception.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 17201, Level = LogLevel.Warning, Message = "Image cache: image '{ImageId}' not found, not caching")]
        public static partial void NotFound(ILogger logger, string imageId);

        [LoggerMessage(EventId = 17202, Level = LogLevel.Warning, Message = "Image cache: image '{ImageId}' is not active, not caching")]
        public static partial void NotActive(ILogger logger, string imageId);

        [LoggerMessage(EventId = 17203, Level = LogLevel.Warning, Message = "Image cache: image '{ImageId}' has no data, not caching")]
        public static partial void NoData(ILogger logger, string imageId);

        [LoggerMessage(EventId = 17204, Level = LogLevel.Error, Message = "Image cache: fetching '{ImageId}' failed: {Reason}")]
        public static partial void FetchFailed(ILogger logger, string imageId, string reason);

        [LoggerMessage(EventId = 17205, Level = LogLevel.Error, Message = "Image cache: maintenance failed: {Reason}")]
        public static partial void MaintenanceFailed(ILogger logger, string reason);
    }
}
