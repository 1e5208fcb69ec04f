using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Rules;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's discovery and cache management operations up to and through their rules:
/// <list type="bullet">
/// <item><c>GET /v2/info/stores/detail</c> (discovery.py <c>get_stores_detail</c>): without
/// <c>enabled_backends</c> 404 <c>Multi backend is not supported at this site.</c>, then
/// <c>stores_info_detail</c> on an empty target (403 naming it).</item>
/// <item>The cache (cached_images.py, <c>CacheController._enforce</c> over
/// <c>CacheImageAPIPolicy</c>): the image first where there is one (404 <c>Image {id} not
/// found.</c>), then the rule on the image's target, else on an empty one; a refusal is 403 naming
/// the rule, never a 404. A site without a cache (<c>image_cache_dir</c> unset) answers 404 only
/// after the rule passes: the backend's.</item>
/// </list>
/// </summary>
public static class ServiceOperations
{
    /// <summary><c>get_stores</c>' 404 without <c>enabled_backends</c>.</summary>
    public const string MultiBackendNotSupported = "Multi backend is not supported at this site.";

    /// <summary>GET /v2/info/stores/detail; <paramref name="multiBackend"/> is whether the backend has <c>enabled_backends</c>.</summary>
    public static Refusal? StoresDetail(EdgeInput input, bool multiBackend)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!multiBackend)
        {
            return new(404, MultiBackendNotSupported, Reason: "MultiStoreNotEnabled");
        }

        return input.Caller.IsAllowed(PolicyRuleNames.StoresInfoDetail, EmptyTarget.Instance) ? null : Refusal.NotAuthorized(PolicyRuleNames.StoresInfoDetail);
    }

    /// <summary>GET /v2/cache: <c>cache_list</c>.</summary>
    public static Refusal? GetCacheState(EdgeInput input) => EnforceCache(input, PolicyRuleNames.CacheList, null);

    /// <summary>DELETE /v2/cache: <c>cache_delete</c> (the clear target header follows, the backend's).</summary>
    public static Refusal? ClearCache(EdgeInput input) => EnforceCache(input, PolicyRuleNames.CacheDelete, null);

    /// <summary>PUT /v2/cache/{id}: the lookup, then <c>cache_image</c> (the image's status follows, the backend's).</summary>
    public static Refusal? QueueImage(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ImageOperations.Lookup(input) is { } image
            ? EnforceCache(input, PolicyRuleNames.CacheImage, image)
            : ImageOperations.Missing(CacheNotFound(input.ImageId));
    }

    /// <summary>
    /// DELETE /v2/cache/{id}: the lookup; an image it misses is still removed when
    /// <paramref name="inCache"/> (in the cache or its queue), else 404; then <c>cache_delete</c>
    /// on the image (an empty target for a miss).
    /// </summary>
    public static Refusal? DeleteCacheEntry(EdgeInput input, bool inCache)
    {
        ArgumentNullException.ThrowIfNull(input);
        var image = ImageOperations.Lookup(input);
        if (image is null && !inCache)
        {
            return ImageOperations.Missing(CacheNotFound(input.ImageId));
        }

        return EnforceCache(input, PolicyRuleNames.CacheDelete, image);
    }

    /// <summary>The cache's 404 of an image.</summary>
    public static string CacheNotFound(string imageId) => $"Image {imageId} not found.";

    private static Refusal? EnforceCache(EdgeInput input, string rule, ImageFacts? image)
    {
        ArgumentNullException.ThrowIfNull(input);
        IPolicyTarget target = image is null ? EmptyTarget.Instance : new ImageTarget(image, input.Caller.ProjectId);
        return input.Caller.IsAllowed(rule, target) ? null : Refusal.NotAuthorized(rule);
    }
}
