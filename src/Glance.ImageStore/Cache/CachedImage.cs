namespace Glance.ImageStore.Cache;

/// <summary>
/// One row of the cache's bookkeeping, as Glance's sqlite driver lists it (<c>get_cached_images</c>):
/// times are Unix seconds (Python's <c>time.time()</c>), the size is the cached file's.
/// </summary>
internal sealed record CachedImage(string ImageId, long Hits, double LastAccessed, double LastModified, long Size);
