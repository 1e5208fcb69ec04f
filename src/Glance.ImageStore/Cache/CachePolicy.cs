using Glance.ImageStore.Identity;
using Glance.ImageStore.Routing;
using Glance.Policy.Language;
using Glance.Policy.Members;

namespace Glance.ImageStore.Cache;

/// <summary>
/// Glance 25's <c>CacheImageAPIPolicy</c> (glance/api/v2/policy.py) as <c>CacheController._enforce</c>
/// asks it: the rule on the image's <c>ImageTarget</c> when there is an image, else on an empty
/// target; a refusal is 403 <c>You are not authorized to complete {rule} action.</c> (never turned
/// into a 404). Only after the rule passes does a store without a cache answer 404.
/// </summary>
internal static class CachePolicy
{
    /// <summary><c>_enforce</c>'s 404 when <c>image_cache_dir</c> is not set.</summary>
    public const string NotSupported = "Caching via API is not supported at this site.";

    private static readonly DictionaryTarget EmptyTarget = new(new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>The refusal of <paramref name="rule"/> for <paramref name="caller"/>, then of a store without a cache; null when the call may go on.</summary>
    public static Refusal? Enforce(Caller caller, string rule, ImageFacts? image, bool cacheEnabled)
    {
        ArgumentNullException.ThrowIfNull(caller);
        IPolicyTarget target = image is null ? EmptyTarget : new ImageTarget(image, caller.ProjectId);
        if (!caller.IsAllowed(rule, target))
        {
            return Refusal.NotAuthorized(rule);
        }

        return cacheEnabled ? null : new Refusal(404, NotSupported);
    }
}
