using Glance.Policy.Members;
using Glance.Policy.Operations;
using static Glance.Policy.Tests.Operations.OperationInputs;

namespace Glance.Policy.Tests.Operations;

/// <summary>DELETE /v2/stores/{store_id}/{image_id} (<see cref="LocationOperations.DeleteFromStore"/>), legacy and secure.</summary>
public sealed class LocationOperationTests
{
    private static readonly string[] Backends = ["fast", "cheap"];

    private static EdgeInput In(Caller caller, ImageFacts? image, string store = "fast") =>
        Input(caller, image) with { Values = new Dictionary<string, string> { ["store_id"] = store, ["image_id"] = ImageId } };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_admin_deletes_from_an_enabled_store(bool secure)
    {
        Assert.Null(LocationOperations.DeleteFromStore(In(Admin(secure), Image(status: "active")), Backends));
        Assert.Null(LocationOperations.DeleteFromStore(In(Admin(secure), Image(status: "active")), enabledBackends: null));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_stores_are_checked_before_the_image(bool secure)
    {
        AssertRefused(LocationOperations.DeleteFromStore(In(Stranger(secure), null), []), 404, ResourceNotFound);
        AssertRefused(LocationOperations.DeleteFromStore(In(Stranger(secure), null, "slow"), Backends), 409, "The selected store slow is not available on this node.");
        AssertRefused(LocationOperations.DeleteFromStore(In(Stranger(secure), null), Backends), 404, $"Failed to find image {ImageId}");
        AssertRefused(LocationOperations.DeleteFromStore(In(Stranger(secure), Image()), Backends), 404, $"Failed to find image {ImageId}");
    }

    [Fact]
    public void Secure_the_owner_may_read_locations_but_not_delete_them() =>
        AssertRefused(LocationOperations.DeleteFromStore(In(Owner(true), Image(status: "active")), Backends), 403, Refused("delete_image_location"));

    [Fact]
    public void Secure_a_stranger_is_refused_get_image_location_on_a_public_image() =>
        AssertRefused(LocationOperations.DeleteFromStore(In(Stranger(true), Image(ImageVisibility.Public, "active")), Backends), 403, Refused("get_image_location"));

    [Fact]
    public void Legacy_the_owner_passes_and_a_stranger_does_not_own_the_image()
    {
        Assert.Null(LocationOperations.DeleteFromStore(In(Owner(false), Image(status: "active")), Backends));
        AssertRefused(LocationOperations.DeleteFromStore(In(Stranger(false), Image(ImageVisibility.Public, "active")), Backends), 403, "You do not own this image");
    }
}
