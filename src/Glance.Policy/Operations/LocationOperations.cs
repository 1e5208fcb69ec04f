namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's <c>DELETE /v2/stores/{store_id}/{image_id}</c> (glance/api/v2/images.py
/// <c>delete_from_store</c>) up to and through its rules: without <c>enabled_backends</c> a bare
/// 404, a store not enabled 409, the lookup (404 <c>Failed to find image …</c>), then
/// <c>get_image_location</c> and <c>delete_image_location</c> (legacy: and
/// <c>check_is_image_mutable</c>, passed on as is). The image's status, its last location and the
/// deletion follow, the backend's. The enabled backends are the backend's configuration: the
/// edge decides as if the store is enabled (<see cref="EdgeMode.Shadow"/> by default).
/// </summary>
public static class LocationOperations
{
    /// <summary>The 409 of a store that is not enabled.</summary>
    public static string StoreNotAvailable(string storeId) => $"The selected store {storeId} is not available on this node.";

    /// <summary>The lookup's 404.</summary>
    public static string NotFoundInStore(string imageId) => $"Failed to find image {imageId}";

    /// <summary>
    /// The decision; <paramref name="enabledBackends"/> the backend's <c>enabled_backends</c>, or
    /// null when they are not known here (the store is then taken to be enabled).
    /// </summary>
    public static Refusal? DeleteFromStore(EdgeInput input, IReadOnlyCollection<string>? enabledBackends)
    {
        ArgumentNullException.ThrowIfNull(input);
        var storeId = input.Values.TryGetValue("store_id", out var value) ? value : string.Empty;
        if (enabledBackends is not null)
        {
            if (enabledBackends.Count == 0)
            {
                return Refusal.ResourceNotFound with { Reason = "MultiStoreNotEnabled" };
            }

            if (!enabledBackends.Contains(storeId))
            {
                return new(409, StoreNotAvailable(storeId), Reason: "StoreNotEnabled");
            }
        }

        if (ImageOperations.Lookup(input) is not { } image)
        {
            return ImageOperations.Missing(NotFoundInStore(input.ImageId));
        }

        var policy = ImagePolicy.For(input.Caller, image);
        return policy.GetImageLocation() ?? policy.DeleteLocations();
    }
}
