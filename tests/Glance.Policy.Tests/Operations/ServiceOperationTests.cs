using Glance.Policy.Members;
using Glance.Policy.Operations;
using static Glance.Policy.Tests.Operations.OperationInputs;

namespace Glance.Policy.Tests.Operations;

/// <summary>GET /v2/info/stores/detail and the cache API (<see cref="ServiceOperations"/>), legacy and secure.</summary>
public sealed class ServiceOperationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Stores_detail_without_backends_is_404_before_the_rule(bool secure)
    {
        AssertRefused(ServiceOperations.StoresDetail(Input(Owner(secure)), multiBackend: false), 404, "Multi backend is not supported at this site.");
        AssertRefused(ServiceOperations.StoresDetail(Input(Owner(secure)), multiBackend: true), 403, Refused("stores_info_detail"));
        Assert.Null(ServiceOperations.StoresDetail(Input(Admin(secure)), multiBackend: true));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cache_listing_and_clearing_are_for_admins(bool secure)
    {
        AssertRefused(ServiceOperations.GetCacheState(Input(Owner(secure))), 403, Refused("cache_list"));
        AssertRefused(ServiceOperations.ClearCache(Input(Owner(secure))), 403, Refused("cache_delete"));
        Assert.Null(ServiceOperations.GetCacheState(Input(Admin(secure))));
        Assert.Null(ServiceOperations.ClearCache(Input(Admin(secure))));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Queueing_looks_the_image_up_then_cache_image_is_a_403_never_a_404(bool secure)
    {
        AssertRefused(ServiceOperations.QueueImage(Input(Admin(secure), null)), 404, $"Image {ImageId} not found.");
        AssertRefused(ServiceOperations.QueueImage(Input(Stranger(secure), Image())), 404, $"Image {ImageId} not found.");
        AssertRefused(ServiceOperations.QueueImage(Input(Owner(secure), Image())), 403, Refused("cache_image"));
        AssertRefused(ServiceOperations.QueueImage(Input(Stranger(secure), Image(ImageVisibility.Public))), 403, Refused("cache_image"));
        Assert.Null(ServiceOperations.QueueImage(Input(Admin(secure), Image(status: "queued"))));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Deleting_an_entry_of_an_image_the_lookup_misses_depends_on_the_cache(bool secure)
    {
        AssertRefused(ServiceOperations.DeleteCacheEntry(Input(Admin(secure), null), inCache: false), 404, $"Image {ImageId} not found.");
        Assert.Null(ServiceOperations.DeleteCacheEntry(Input(Admin(secure), null), inCache: true));
        AssertRefused(ServiceOperations.DeleteCacheEntry(Input(Owner(secure), null), inCache: true), 403, Refused("cache_delete"));
        AssertRefused(ServiceOperations.DeleteCacheEntry(Input(Owner(secure), Image()), inCache: false), 403, Refused("cache_delete"));
        Assert.Null(ServiceOperations.DeleteCacheEntry(Input(Admin(secure), Image()), inCache: false));
    }
}
