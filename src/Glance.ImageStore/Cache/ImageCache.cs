using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Cache;

/// <summary>
/// The image cache, as Glance's <c>ImageCache</c> with its sqlite driver keeps it
/// (glance/image_cache/__init__.py, drivers/sqlite.py): under <c>DataPath/image-cache</c>, a
/// cached image is a file named after its id; <c>incomplete/</c> holds files being written,
/// <c>invalid/</c> the ones whose write failed, <c>queue/</c> an empty file per image queued for
/// prefetching (ordered by modification time). The bookkeeping (hits, last accessed, last modified,
/// size) is the <c>cached_images</c> table of the store's database (<see cref="CachedImageRepository"/>).
/// When the cache is off (<see cref="Enabled"/> false) nothing here touches the disk.
/// </summary>
internal sealed partial class ImageCache : IDisposable
{
    private readonly CachedImageRepository _rows;
    private readonly TimeProvider _time;
    private readonly ILogger<ImageCache> _logger;
    private readonly long _maxSize;
    private readonly SemaphoreSlim _pruning = new(1, 1);

    public ImageCache(IOptions<ImageStoreOptions> options, CachedImageRepository rows, TimeProvider time, ILogger<ImageCache> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _rows = rows;
        _time = time;
        _logger = logger;
        Enabled = settings.ImageCache.Enabled;
        _maxSize = settings.ImageCache.MaxSizeBytes;
        StallTime = TimeSpan.FromSeconds(settings.ImageCache.StallTimeSeconds);
        BasePath = Path.Combine(Path.GetFullPath(settings.DataPath), "image-cache");
        IncompletePath = Path.Combine(BasePath, "incomplete");
        InvalidPath = Path.Combine(BasePath, "invalid");
        QueuePath = Path.Combine(BasePath, "queue");
        if (Enabled)
        {
            Directory.CreateDirectory(IncompletePath);
            Directory.CreateDirectory(InvalidPath);
            Directory.CreateDirectory(QueuePath);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _pruning.Dispose();

    /// <summary>True when the operator turned the cache on (Glance: <c>image_cache_dir</c> is set).</summary>
    public bool Enabled { get; }

    /// <summary>The cache folder: the cached files themselves.</summary>
    public string BasePath { get; }

    public string IncompletePath { get; }

    public string InvalidPath { get; }

    public string QueuePath { get; }

    /// <summary>How old an incomplete file must be for the cleaner to remove it.</summary>
    public TimeSpan StallTime { get; }

    /// <summary>Python's <c>time.time()</c>.</summary>
    public double Now() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    /// <summary>The cached file of <paramref name="imageId"/> (<c>is_cached</c>: it exists).</summary>
    public bool IsCached(string imageId) => FileOf(BasePath, imageId) is { } path && File.Exists(path);

    /// <summary><c>is_being_cached</c>: an incomplete file exists.</summary>
    public bool IsBeingCached(string imageId) => FileOf(IncompletePath, imageId) is { } path && File.Exists(path);

    /// <summary><c>is_queued</c>.</summary>
    public bool IsQueued(string imageId) => FileOf(QueuePath, imageId) is { } path && File.Exists(path);

    /// <summary>The path of the cached file, or null for an id that cannot be a file name.</summary>
    public string? CachedFile(string imageId) => FileOf(BasePath, imageId);

    /// <summary><c>get_cached_images</c>: the bookkeeping rows, by image id.</summary>
    public Task<IReadOnlyList<CachedImage>> GetCachedImagesAsync(CancellationToken cancellationToken) => _rows.ListAsync(cancellationToken);

    /// <summary><c>get_queued_images</c>: the queued ids, oldest first (then by id, as Python sorts the pairs).</summary>
    public IReadOnlyList<string> GetQueuedImages()
    {
        var items = new List<(DateTime Modified, string Id)>();
        foreach (var file in new DirectoryInfo(QueuePath).EnumerateFiles())
        {
            items.Add((file.LastWriteTimeUtc, file.Name));
        }

        items.Sort((a, b) => a.Modified != b.Modified ? a.Modified.CompareTo(b.Modified) : string.CompareOrdinal(a.Id, b.Id));
        return [.. items.Select(i => i.Id)];
    }

    /// <summary>
    /// <c>queue_image</c>: touches the queue file unless the image is cached, being cached or
    /// queued already; true when it queued it.
    /// </summary>
    public bool QueueImage(string imageId)
    {
        if (FileOf(QueuePath, imageId) is not { } path || IsCached(imageId) || IsBeingCached(imageId) || File.Exists(path))
        {
            return false;
        }

        using (File.Create(path))
        {
        }

        return true;
    }

    /// <summary><c>delete_queued_image</c>.</summary>
    public void DeleteQueuedImage(string imageId)
    {
        if (FileOf(QueuePath, imageId) is { } path)
        {
            File.Delete(path);
        }
    }

    /// <summary><c>delete_all_queued_images</c>: the number of queue files removed.</summary>
    public int DeleteAllQueuedImages()
    {
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(QueuePath))
        {
            File.Delete(file);
            deleted++;
        }

        return deleted;
    }

    /// <summary><c>delete_cached_image</c>: the file and its row.</summary>
    public async Task DeleteCachedImageAsync(string imageId, CancellationToken cancellationToken)
    {
        if (FileOf(BasePath, imageId) is { } path)
        {
            File.Delete(path);
        }

        await _rows.DeleteAsync(imageId, cancellationToken);
    }

    /// <summary><c>delete_all_cached_images</c>: every cached file and every row; the number of files removed.</summary>
    public async Task<int> DeleteAllCachedImagesAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(BasePath))
        {
            File.Delete(file);
            deleted++;
        }

        await _rows.DeleteAllAsync(cancellationToken);
        return deleted;
    }

    /// <summary>A read of the cached file that ran to its end (<c>open_for_read</c>): one more hit.</summary>
    public Task RecordHitAsync(string imageId, CancellationToken cancellationToken) => _rows.RecordHitAsync(imageId, Now(), cancellationToken);

    /// <summary>
    /// Starts writing <paramref name="imageId"/> into the cache (<c>get_caching_iter</c>'s
    /// <c>is_cacheable</c>, then <c>open_for_write</c>): null when it is cached or being cached
    /// already. The incomplete file is created exclusively, so two writers (two downloads, or a
    /// download and the prefetcher, in this process or another replica) never write one file.
    /// </summary>
    public CacheWrite? TryBeginWrite(string imageId, string? expectedChecksum)
    {
        if (FileOf(IncompletePath, imageId) is not { } incomplete || IsCached(imageId))
        {
            return null;
        }

        try
        {
            var stream = new FileStream(incomplete, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            return new CacheWrite(this, imageId, incomplete, expectedChecksum, stream);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>prune</c>: while the cached files take more than <c>MaxSizeBytes</c>, removes the least
    /// recently accessed image. Returns the number of images removed.
    /// </summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await _pruning.WaitAsync(cancellationToken);
        try
        {
            var current = CacheSize();
            var pruned = 0;
            while (current > _maxSize && await _rows.LeastRecentlyAccessedAsync(cancellationToken) is { } imageId)
            {
                var path = FileOf(BasePath, imageId);
                var size = path is not null && File.Exists(path) ? new FileInfo(path).Length : 0;
                await DeleteCachedImageAsync(imageId, cancellationToken);
                current -= size;
                pruned++;
                Log.Pruned(_logger, imageId, size);
            }

            return pruned;
        }
        finally
        {
            _pruning.Release();
        }
    }

    /// <summary>
    /// <c>clean</c>: removes every file in <c>invalid/</c> and the files in <c>incomplete/</c> last
    /// written before the stall time.
    /// </summary>
    public void Clean()
    {
        foreach (var file in Directory.EnumerateFiles(InvalidPath))
        {
            File.Delete(file);
        }

        var olderThan = _time.GetUtcNow().UtcDateTime - StallTime;
        foreach (var file in new DirectoryInfo(IncompletePath).EnumerateFiles())
        {
            if (file.LastWriteTimeUtc < olderThan)
            {
                file.Delete();
                Log.RemovedStalled(_logger, file.Name);
            }
        }
    }

    /// <summary><c>get_cache_size</c>: the bytes of the cached files.</summary>
    public long CacheSize() => new DirectoryInfo(BasePath).EnumerateFiles().Sum(f => f.Length);

    // A file named after the id in one of the cache's folders; null for an id that is not one
    // plain file name (ids reach here only from the API's path segment or the database).
    private static string? FileOf(string folder, string imageId) =>
        imageId.Length == 0 || imageId is "." or ".." || imageId.AsSpan().IndexOfAny(InvalidNameCharacters) >= 0 ? null : Path.Combine(folder, imageId);

    private static readonly System.Buffers.SearchValues<char> InvalidNameCharacters = System.Buffers.SearchValues.Create(['/', '\\', '\0']);

    // open_for_write's commit: the incomplete file becomes the cached file, the queue file goes,
    // the row is written; then the cache is pruned if it grew past its size.
    internal async Task CommitAsync(CacheWrite write, long size, CancellationToken cancellationToken)
    {
        var final = Path.Combine(BasePath, write.ImageId);
        File.Move(write.IncompletePath, final, overwrite: true);
        DeleteQueuedImage(write.ImageId);
        await _rows.InsertAsync(write.ImageId, size, write.ExpectedChecksum, Now(), cancellationToken);
        Log.Cached(_logger, write.ImageId, size);
        await PruneAsync(cancellationToken);
    }

    // open_for_write's rollback: the incomplete file moves to invalid/, the row goes.
    internal async Task RollbackAsync(CacheWrite write, string reason)
    {
        try
        {
            if (File.Exists(write.IncompletePath))
            {
                File.Move(write.IncompletePath, Path.Combine(InvalidPath, write.ImageId), overwrite: true);
            }

            await _rows.DeleteAsync(write.ImageId, CancellationToken.None);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.RollbackFailed(_logger, write.ImageId, exception.Message);
        }

        Log.RolledBack(_logger, write.ImageId, reason);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 17001, Level = LogLevel.Information, Message = "Image cache: {ImageId} cached, {Size} bytes")]
        public static partial void Cached(ILogger logger, string imageId, long size);

        [LoggerMessage(EventId = 17002, Level = LogLevel.Warning, Message = "Image cache: writing {ImageId} failed ({Reason}); the incomplete file was moved to invalid/")]
        public static partial void RolledBack(ILogger logger, string imageId, string reason);

        [LoggerMessage(EventId = 17003, Level = LogLevel.Information, Message = "Image cache: pruned {ImageId} to free {Size} bytes")]
        public static partial void Pruned(ILogger logger, string imageId, long size);

        [LoggerMessage(EventId = 17004, Level = LogLevel.Information, Message = "Image cache: removed the stalled incomplete file {ImageId}")]
        public static partial void RemovedStalled(ILogger logger, string imageId);

        [LoggerMessage(EventId = 17005, Level = LogLevel.Error, Message = "Image cache: the rollback of {ImageId} failed: {Reason}")]
        public static partial void RollbackFailed(ILogger logger, string imageId, string reason);
    }
}
