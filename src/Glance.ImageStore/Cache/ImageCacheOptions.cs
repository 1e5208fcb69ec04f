namespace Glance.ImageStore;

/// <summary>
/// The image cache (section <c>ImageStore:ImageCache</c>): Glance's <c>image_cache_dir</c> and
/// the options of <c>glance/image_cache/__init__.py</c>. Enabled, the store keeps the data of
/// downloaded and queued images under <c>DataPath/image-cache</c>, serves the cache API
/// (<c>/v2/cache</c>) and advertises API versions 2.14 and 2.16, as Glance with
/// <c>image_cache_dir</c> set and the <c>keystone+caching</c> flavor does.
/// </summary>
public sealed class ImageCacheOptions
{
    /// <summary>Keep a cache (Glance: <c>image_cache_dir</c> set). Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Glance's <c>image_cache_max_size</c>: past this many bytes of cached data the pruner removes
    /// the least recently accessed images until the cache fits. A threshold, not a hard limit: an
    /// image being written may take the cache past it until the next prune. Default 10 GiB.
    /// </summary>
    public long MaxSizeBytes { get; set; } = 10L << 30;

    /// <summary>
    /// Glance's <c>image_cache_stall_time</c>: an incomplete cache file older than this many seconds
    /// is removed by the cleaner. Default 86400 (a day).
    /// </summary>
    public int StallTimeSeconds { get; set; } = 86400;

    /// <summary>
    /// How often the store runs what Glance leaves to cron jobs: the prefetcher over the whole
    /// queue (<c>glance-cache-prefetcher</c>; an image queued through the API is fetched at once
    /// anyway), the pruner (<c>glance-cache-pruner</c>) and the cleaner (<c>glance-cache-cleaner</c>).
    /// Default 300 seconds.
    /// </summary>
    public int MaintenanceIntervalSeconds { get; set; } = 300;

    /// <summary>
    /// How long after <c>PUT /v2/cache/{image_id}</c> the worker fetches the image. Glance's worker
    /// thread runs after the API has answered, and Tempest's <c>test_image_caching</c> lists the
    /// cache right after queueing and expects the image still queued; fetching a small image takes
    /// the store a few milliseconds, so without a delay that listing races the fetch. Default 1
    /// second; 0 fetches at once.
    /// </summary>
    public double PrefetchDelaySeconds { get; set; } = 1;

    /// <summary>The failures of these settings, for the store's start-up validation.</summary>
    internal IEnumerable<string> Validate()
    {
        if (MaxSizeBytes < 0)
        {
            yield return "ImageStore:ImageCache:MaxSizeBytes must not be negative.";
        }

        if (StallTimeSeconds < 0)
        {
            yield return "ImageStore:ImageCache:StallTimeSeconds must not be negative.";
        }

        if (PrefetchDelaySeconds is < 0 or > 3600 || double.IsNaN(PrefetchDelaySeconds))
        {
            yield return "ImageStore:ImageCache:PrefetchDelaySeconds must be between 0 and 3600.";
        }

        if (MaintenanceIntervalSeconds < 1)
        {
            yield return "ImageStore:ImageCache:MaintenanceIntervalSeconds must be at least 1.";
        }
    }
}
