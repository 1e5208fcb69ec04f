namespace Glance.ImageStore.Cache;

/// <summary>
/// Glance 25's <c>CacheController._enforce</c> (glance/api/v2/cached_images.py): the rule as the
/// edge decides it (<see cref="ServiceOperations"/>: 403 naming it, never a 404), then, only after
/// it passes, a store without a cache answers 404.
/// </summary>
internal static class CachePolicy
{
    /// <summary><c>_enforce</c>'s 404 when <c>image_cache_dir</c> is not set.</summary>
    public const string NotSupported = "Caching via API is not supported at this site.";

    /// <summary><paramref name="refusal"/> (the rule's), else the refusal of a store without a cache; null when the call may go on.</summary>
    public static Refusal? Enforce(Refusal? refusal, bool cacheEnabled) =>
        refusal ?? (cacheEnabled ? null : new Refusal(404, NotSupported));
}
