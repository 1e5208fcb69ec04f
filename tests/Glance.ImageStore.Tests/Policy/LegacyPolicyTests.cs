using System.Net;
using Glance.ImageStore.Tests.Support;
using static Glance.ImageStore.Tests.Policy.PolicyTestKit;

namespace Glance.ImageStore.Tests.Policy;

/// <summary>
/// The legacy mode (Glance 25 as packaged): every rule is "new default OR rule:default", so the
/// policy allows and the checks coded in Glance 25's controllers decide, with their own words
/// (<c>check_is_image_mutable</c>, <c>check_admin_or_same_owner</c>,
/// <c>_check_visibility_and_ownership</c>), and Glance's database decides what is listed.
/// </summary>
public abstract partial class LegacyPolicyTests(StoreFixture fixture)
{
    private StoreInstance Store => fixture.Store;

    private StoreClient Client(Caller caller) => Store.Client(caller);

    private async Task<(StoreClient Owner, string OwnerProject, string MemberProject, string ImageId)> SharedImageAsync(string body = "{\"disk_format\": \"raw\", \"container_format\": \"bare\"}")
    {
        var ownerProject = NewProject("owner");
        var memberProject = NewProject("member");
        var owner = Client(Caller.Project(ownerProject));
        var imageId = await owner.CreateImageIdAsync(body);
        await owner.AddMemberAsync(imageId, memberProject);
        return (owner, ownerProject, memberProject, imageId);
    }

    [Fact]
    public async Task NonOwner_ChangingAnImage_IsCheckIsImageMutable()
    {
        var (owner, _, memberProject, imageId) = await SharedImageAsync();
        await AssertOkAsync(owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", ImageData.ImageDataTests.Octets([1])), HttpStatusCode.NoContent);
        var member = Client(Caller.Project(memberProject));

        await AssertRefusedAsync(member.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", StoreClient.Patch("[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"x\"}]")),
            403, "You do not own this image");
        await AssertRefusedAsync(member.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}"), 403, "You do not own this image");
        await AssertRefusedAsync(member.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/actions/deactivate"), 403, "You do not own this image");

        var image = (await ImageAsAdminAsync(Store, imageId))!;
        Assert.Null(image["name"]);
        Assert.Equal("active", (string?)image["status"]);
    }

    [Fact]
    public async Task NonOwner_Upload_IsUploadsOwnWording()
    {
        // check_is_image_mutable raises Glance's Forbidden; ImageDataController.upload catches it.
        var (_, _, memberProject, imageId) = await SharedImageAsync();

        await AssertRefusedAsync(Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", ImageData.ImageDataTests.Octets([1])),
            403, $"Not allowed to upload image data for image {imageId}");

        Assert.Equal("queued", (string?)(await ImageAsAdminAsync(Store, imageId))!["status"]);
    }

    [Fact]
    public async Task ReaderOnlyOwner_MayDoWhatTheOwnerMay()
    {
        // In the legacy mode the roles do not matter; ownership does.
        var project = NewProject("reader");
        var reader = Client(Caller.Reader(project));
        var imageId = await reader.CreateImageIdAsync();
        await reader.PatchAsync(imageId, "[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"mine\"}]");
        await reader.AddMemberAsync(imageId, "someone");
        Assert.Equal("mine", (string?)(await ImageAsAdminAsync(Store, imageId))!["name"]);
    }

    [Fact]
    public async Task SystemScopedAdmin_IsAdmin_NoScopeChecks()
    {
        var image = await Client(Caller.SystemAdmin).CreateImageAsync();
        Assert.Null(image["owner"]);
        Assert.NotNull(await Client(Caller.SystemAdmin).GetImageAsync((string)image["id"]!));
    }

    [Fact]
    public async Task Members_LegacyOwnershipChecks()
    {
        var (owner, _, memberProject, imageId) = await SharedImageAsync();

        await AssertRefusedAsync(Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", StoreClient.Json("{\"member\": \"x\"}")),
            403, $"Not allowed to create members for image {imageId}.");
        await AssertRefusedAsync(owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/members/{memberProject}", StoreClient.Json("{\"status\": \"accepted\"}")),
            403, $"Not allowed to update members for image {imageId}.");
        Assert.Equal([memberProject + ":pending"], await MemberRowsAsync(Store, imageId));
    }

    [Fact]
    public async Task CreateImage_PublicForAnotherOwner_VisibilityRuleComesFirst()
    {
        // add_image passes, then publicize_image refuses, before check_admin_or_same_owner.
        var project = NewProject("p");
        await AssertRefusedAsync(Client(Caller.Project(project)).SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json("{\"visibility\": \"public\", \"owner\": \"elsewhere\"}")),
            403, NotAuthorized("publicize_image"));
        await AssertRefusedAsync(Client(Caller.Project(project)).SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json("{\"owner\": null}")),
            403, "You are not permitted to create images owned by 'None'.");
        Assert.Empty(await ListIdsAsync(Client(Caller.Admin), "?visibility=all&owner=elsewhere"));
    }

    [Fact]
    public async Task PatchImage_ReplaceOwner_IsRefusedBeforeThePolicyEvenForTheSameOwner()
    {
        var project = NewProject("p");
        var owner = Client(Caller.Project(project));
        var imageId = await owner.CreateImageIdAsync();
        await AssertRefusedAsync(owner.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", StoreClient.Patch($"[{{\"op\": \"replace\", \"path\": \"/owner\", \"value\": \"{project}\"}}]")),
            403, "Access was denied to this resource.\nOwner can't be updated by non admin.");
        await AssertRefusedAsync(owner.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", StoreClient.Patch("[{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"public\"}]")),
            403, NotAuthorized("publicize_image"));
        Assert.Equal(project, (string?)(await ImageAsAdminAsync(Store, imageId))!["owner"]);
    }

    [Fact]
    public async Task ListImages_GlancesDatabaseSelection()
    {
        var project = NewProject("lister");
        var other = NewProject("other");
        var admin = Client(Caller.Admin);

        // An image without an owner is visible to everyone by id, but listed only when public or community.
        var ownerless = await admin.CreateImageIdAsync("{\"owner\": null, \"visibility\": \"private\", \"name\": \"" + project + "\"}");
        var othersCommunity = await Client(Caller.Project(other)).CreateImageIdAsync("{\"visibility\": \"community\", \"name\": \"" + project + "\"}");
        Assert.NotNull(await Client(Caller.Project(project)).GetImageAsync(ownerless));
        Assert.Equal([othersCommunity], await ListIdsAsync(Client(Caller.Project(project)), $"?visibility=all&name={project}"));

        // An admin without a visibility filter sees another project's community images only when asked.
        Assert.Equal([ownerless], await ListIdsAsync(admin, $"?name={project}"));
        Assert.Equal([othersCommunity, ownerless], await ListIdsAsync(admin, $"?visibility=all&name={project}"));
    }

    [Fact]
    public async Task ListImages_MarkerTheCallerCannotSee_Is403()
    {
        var hidden = await Client(Caller.Project(NewProject("other"))).CreateImageIdAsync("{\"visibility\": \"private\"}");
        var caller = Client(Caller.Project(NewProject("lister")));
        await AssertRefusedAsync(caller.SendAsync(HttpMethod.Get, $"v2/images?marker={hidden}"), 403, $"Forbidding request, image {hidden} not visible");
        var missing = Guid.NewGuid().ToString();
        await AssertRefusedAsync(caller.SendAsync(HttpMethod.Get, $"v2/images?marker={missing}"), 400, $"No image found with ID {missing}");
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class LegacyPolicyTests
{
    public sealed class Sqlite(StoreFixture fixture) : LegacyPolicyTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : LegacyPolicyTests(fixture), IClassFixture<PostgresStoreFixture>;
}
