using System.Net;
using Glance.ImageStore.Tests.Support;
using static Glance.ImageStore.Tests.Policy.PolicyTestKit;

namespace Glance.ImageStore.Tests.Policy;

/// <summary>
/// The store with Glance's secure RBAC (enforce_secure_rbac, enforce_new_defaults, enforce_scope
/// all true; the packaged defaults), over real HTTP. Every status and message is what Glance 25.1's
/// controllers answer in that mode (glance/api/v2/images.py, image_members.py, image_data.py,
/// image_actions.py, policy.py), and each refused request is shown to have changed nothing.
/// </summary>
public abstract partial class SecureRbacTests(SecureStoreFixture fixture)
{
    private StoreInstance Store => fixture.Store;

    private StoreClient Client(Caller caller) => Store.Client(caller);

    // --- create (ImagesController.create → ImageAPIPolicy.add_image)

    [Fact]
    public async Task CreateImage_ReaderOnly_Is403AddImageAndCreatesNothing()
    {
        var project = NewProject("reader");
        var id = Guid.NewGuid().ToString();

        await AssertRefusedAsync(Client(Caller.Reader(project)).SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json(CreateBody(id))),
            403, NotAuthorized("add_image"));

        Assert.Null(await ImageAsAdminAsync(Store, id));
        Assert.Empty(await ListIdsAsync(Client(Caller.Project(project)), $"?visibility=all&owner={project}"));
    }

    [Fact]
    public async Task CreateImage_SystemScopedAdmin_Is403AddImage()
    {
        // enforce_scope: add_image's scope_types are [project]; oslo.policy raises InvalidScope, which
        // Glance's Enforcer turns into Forbidden(action); the proposed owner (None) equals the
        // caller's project (None), so add_image re-raises it unchanged.
        var id = Guid.NewGuid().ToString();

        await AssertRefusedAsync(Client(Caller.SystemAdmin).SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json(CreateBody(id))),
            403, NotAuthorized("add_image"));

        Assert.Null(await ImageAsAdminAsync(Store, id));
    }

    [Fact]
    public async Task CreateImage_ForAnotherOwner_Is403WithAddImagesOwnWording()
    {
        // add_image's own message has no full stop and is webob's detail (HTTPForbidden(msg)); the
        // legacy check_admin_or_same_owner's has one and is the explanation.
        var id = Guid.NewGuid().ToString();

        await AssertRefusedAsync(Client(Caller.Project(NewProject("p"))).SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json(CreateBody(id, "\"owner\": \"someone-else\""))),
            403, "Access was denied to this resource.\nYou are not permitted to create images owned by 'someone-else'");

        Assert.Null(await ImageAsAdminAsync(Store, id));
    }

    [Fact]
    public async Task CreateImage_Visibility_PublicNeedsAdminCommunityNeedsProjectMember()
    {
        var project = NewProject("vis");
        var member = Client(Caller.Project(project));
        var publicId = Guid.NewGuid().ToString();

        await AssertRefusedAsync(member.SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json(CreateBody(publicId, "\"visibility\": \"public\""))),
            403, NotAuthorized("publicize_image"));
        Assert.Null(await ImageAsAdminAsync(Store, publicId));

        Assert.Equal("community", (string?)(await member.CreateImageAsync("{\"visibility\": \"community\"}"))["visibility"]);
        Assert.Equal("public", (string?)(await Client(Caller.Admin).CreateImageAsync("{\"visibility\": \"public\"}"))["visibility"]);
    }

    [Fact]
    public async Task CreateImage_MemberRoleWithoutReader_CreatesAnImageItCannotShow()
    {
        // add_image asks for role:member only; get_image for role:reader.
        var project = NewProject("member-only");
        var image = await Client(Caller.MemberOnly(project)).CreateImageAsync();
        Assert.Equal(project, (string?)image["owner"]);

        await AssertRefusedAsync(Client(Caller.MemberOnly(project)).SendAsync(HttpMethod.Get, $"v2/images/{image["id"]}"), 404, ResourceNotFound);
        Assert.NotNull(await Client(Caller.Project(project)).GetImageAsync((string)image["id"]!));
    }

    // --- show (image_repo.get's visibility, then get_image)

    [Fact]
    public async Task ShowImage_DatabaseVisibilityThenGetImage()
    {
        var ownerProject = NewProject("owner");
        var memberProject = NewProject("member");
        var owner = Client(Caller.Project(ownerProject));
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, memberProject);

        Assert.NotNull(await owner.GetImageAsync(imageId));
        Assert.NotNull(await Client(Caller.Project(memberProject)).GetImageAsync(imageId));   // pending member: member_id matches
        Assert.NotNull(await Client(Caller.Reader(memberProject)).GetImageAsync(imageId));
        Assert.NotNull(await Client(Caller.Admin).GetImageAsync(imageId));

        // The database does not find it for a stranger: image_repo.get's own 404.
        await AssertRefusedAsync(Client(Caller.Project(NewProject("stranger"))).SendAsync(HttpMethod.Get, $"v2/images/{imageId}"),
            404, $"No image found with ID {imageId}");

        // The database finds it (member; admin), the policy does not let them see it: a bare 404.
        await AssertRefusedAsync(Client(Caller.MemberOnly(memberProject)).SendAsync(HttpMethod.Get, $"v2/images/{imageId}"), 404, ResourceNotFound);
        await AssertRefusedAsync(Client(Caller.SystemAdmin).SendAsync(HttpMethod.Get, $"v2/images/{imageId}"), 404, ResourceNotFound);
    }

    // --- list (get_images, the database's selection, get_image per image)

    [Fact]
    public async Task ListImages_GetImagesThenTheDatabaseSelection()
    {
        var ownerProject = NewProject("owner");
        var accepted = NewProject("accepted");
        var pending = NewProject("pending");
        var owner = Client(Caller.Project(ownerProject));
        var privateId = await owner.CreateImageIdAsync("{\"visibility\": \"private\"}");
        var sharedId = await owner.CreateImageIdAsync();
        var communityId = await owner.CreateImageIdAsync("{\"visibility\": \"community\"}");
        await owner.AddMemberAsync(sharedId, accepted, "accepted", Client(Caller.Project(accepted)));
        await owner.AddMemberAsync(sharedId, pending);

        Assert.Equal([communityId, sharedId, privateId], await ListIdsAsync(owner, $"?owner={ownerProject}"));
        Assert.Equal([communityId, sharedId, privateId], await ListIdsAsync(Client(Caller.Reader(ownerProject)), $"?owner={ownerProject}"));
        Assert.Equal([sharedId], await ListIdsAsync(Client(Caller.Project(accepted)), $"?owner={ownerProject}"));
        Assert.Empty(await ListIdsAsync(Client(Caller.Project(pending)), $"?owner={ownerProject}"));
        Assert.Equal([sharedId], await ListIdsAsync(Client(Caller.Project(pending)), $"?owner={ownerProject}&member_status=pending"));
        Assert.Empty(await ListIdsAsync(Client(Caller.Project(NewProject("stranger"))), $"?owner={ownerProject}"));
        Assert.Equal([communityId], await ListIdsAsync(Client(Caller.Project(NewProject("stranger"))), $"?owner={ownerProject}&visibility=community"));

        // get_images needs role:reader of the project, and a project-scoped token.
        await AssertRefusedAsync(Client(Caller.MemberOnly(ownerProject)).SendAsync(HttpMethod.Get, "v2/images"), 403, NotAuthorized("get_images"));
        await AssertRefusedAsync(Client(Caller.SystemAdmin).SendAsync(HttpMethod.Get, "v2/images"), 403, NotAuthorized("get_images"));
    }

    // --- member add (_lookup_image, _check_visibility_and_ownership, add_member after get_image)

    [Fact]
    public async Task AddMember_OnlyTheOwningProjectsMembersMay()
    {
        var ownerProject = NewProject("owner");
        var memberProject = NewProject("member");
        var owner = Client(Caller.Project(ownerProject));
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, memberProject);
        var add = () => StoreClient.Json("{\"member\": \"newcomer\"}");

        // Secure RBAC skips the legacy ownership check; the policy decides.
        await AssertRefusedAsync(Client(Caller.Reader(ownerProject)).SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", add()),
            403, NotAuthorized("add_member"));
        await AssertRefusedAsync(Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", add()),
            403, NotAuthorized("add_member"));
        await AssertRefusedAsync(Client(Caller.Project(NewProject("stranger"))).SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", add()),
            404, $"Image {imageId} not found.");
        await AssertRefusedAsync(Client(Caller.SystemAdmin).SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", add()),
            404, ResourceNotFound);
        Assert.Equal([memberProject + ":pending"], await MemberRowsAsync(Store, imageId));

        var member = await AssertOkAsync(owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", add()));
        Assert.Equal("pending", (string?)member!["status"]);
        Assert.Equal([memberProject + ":pending", "newcomer:pending"], await MemberRowsAsync(Store, imageId));

        // Only shared images have members (Glance's Forbidden, re-worded by create).
        var privateId = await owner.CreateImageIdAsync("{\"visibility\": \"private\"}");
        await AssertRefusedAsync(owner.SendAsync(HttpMethod.Post, $"v2/images/{privateId}/members", add()),
            403, $"Not allowed to create members for image {privateId}.");
    }

    // --- member update (_lookup_member: get_member and the rows the caller may read; then modify_member)

    [Fact]
    public async Task UpdateMember_TheMemberSetsItsOwnStatusNoOneElse()
    {
        var ownerProject = NewProject("owner");
        var memberProject = NewProject("member");
        var otherProject = NewProject("other");
        var owner = Client(Caller.Project(ownerProject));
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, memberProject);
        await owner.AddMemberAsync(imageId, otherProject);
        var path = $"v2/images/{imageId}/members/{memberProject}";
        var accept = () => StoreClient.Json("{\"status\": \"accepted\"}");
        var reject = () => StoreClient.Json("{\"status\": \"rejected\"}");

        var updated = await AssertOkAsync(Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Put, path, accept()));
        Assert.Equal("accepted", (string?)updated!["status"]);

        // The owner: modify_member is admin or role:member with project_id:%(member_id)s, and an
        // owner's own image has member None.
        await AssertRefusedAsync(owner.SendAsync(HttpMethod.Put, path, reject()), 403, NotAuthorized("modify_member"));
        await AssertRefusedAsync(Client(Caller.Reader(memberProject)).SendAsync(HttpMethod.Put, path, reject()), 403, NotAuthorized("modify_member"));

        // Another member may not even read this member's row.
        await AssertRefusedAsync(Client(Caller.Project(otherProject)).SendAsync(HttpMethod.Put, path, reject()),
            404, $"{memberProject} not found in the member list of the image {imageId}.");
        await AssertRefusedAsync(Client(Caller.Project(NewProject("stranger"))).SendAsync(HttpMethod.Put, path, reject()),
            404, $"Image {imageId} not found.");
        await AssertRefusedAsync(Client(Caller.SystemAdmin).SendAsync(HttpMethod.Put, path, reject()), 404, ResourceNotFound);

        Assert.Equal([memberProject + ":accepted", otherProject + ":pending"], await MemberRowsAsync(Store, imageId));
    }

    [Fact]
    public async Task ListAndShowMembers_RowsTheCallerMayRead()
    {
        var ownerProject = NewProject("owner");
        var memberProject = NewProject("member");
        var otherProject = NewProject("other");
        var owner = Client(Caller.Project(ownerProject));
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, memberProject);
        await owner.AddMemberAsync(imageId, otherProject);

        Assert.Equal([memberProject, otherProject], (await owner.MemberIdsAsync(imageId)).Order(StringComparer.Ordinal));
        Assert.Equal([memberProject, otherProject], (await Client(Caller.Reader(ownerProject)).MemberIdsAsync(imageId)).Order(StringComparer.Ordinal));
        Assert.Equal([memberProject], await Client(Caller.Project(memberProject)).MemberIdsAsync(imageId));

        // show turns every refusal after the image lookup into a 404 with its explanation.
        await AssertRefusedAsync(Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members/{otherProject}"),
            404, $"{otherProject} not found in the member list of the image {imageId}.");
        await AssertRefusedAsync(Client(Caller.MemberOnly(memberProject)).SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members/{memberProject}"),
            404, ResourceNotFound);
        await AssertRefusedAsync(Client(Caller.MemberOnly(memberProject)).SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members"),
            404, ResourceNotFound);
    }

    // --- update, delete, data, actions (ImageAPIPolicy with its Forbidden→NotFound translation)

    [Fact]
    public async Task PatchImage_PolicyDecidesAndARefusalChangesNothing()
    {
        var ownerProject = NewProject("owner");
        var memberProject = NewProject("member");
        var owner = Client(Caller.Project(ownerProject));
        var imageId = await owner.CreateImageIdAsync("{\"name\": \"before\"}");
        await owner.AddMemberAsync(imageId, memberProject);
        var rename = () => StoreClient.Patch("[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"after\"}]");

        // The member may see the image but not modify it: 403, not 404.
        await AssertRefusedAsync(Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", rename()),
            403, NotAuthorized("modify_image"));
        await AssertRefusedAsync(Client(Caller.Reader(ownerProject)).SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", rename()),
            403, NotAuthorized("modify_image"));
        await AssertRefusedAsync(Client(Caller.MemberOnly(memberProject)).SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", rename()),
            404, ResourceNotFound);
        await AssertRefusedAsync(owner.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}",
            StoreClient.Patch("[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"after\"}, {\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"public\"}]")),
            403, NotAuthorized("publicize_image"));
        Assert.Equal("before", (string?)(await ImageAsAdminAsync(Store, imageId))!["name"]);

        await owner.PatchAsync(imageId, "[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"after\"}, {\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"community\"}]");
        var image = (await ImageAsAdminAsync(Store, imageId))!;
        Assert.Equal("after", (string?)image["name"]);
        Assert.Equal("community", (string?)image["visibility"]);
    }

    [Fact]
    public async Task DeleteImage_PolicyDecides()
    {
        var ownerProject = NewProject("owner");
        var memberProject = NewProject("member");
        var owner = Client(Caller.Project(ownerProject));
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, memberProject);

        await AssertRefusedAsync(Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Delete, $"v2/images/{imageId}"), 403, NotAuthorized("delete_image"));
        await AssertRefusedAsync(Client(Caller.Reader(ownerProject)).SendAsync(HttpMethod.Delete, $"v2/images/{imageId}"), 403, NotAuthorized("delete_image"));
        await AssertRefusedAsync(Client(Caller.SystemAdmin).SendAsync(HttpMethod.Delete, $"v2/images/{imageId}"), 404, ResourceNotFound);
        Assert.NotNull(await ImageAsAdminAsync(Store, imageId));

        await AssertOkAsync(owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}"), HttpStatusCode.NoContent);
        Assert.Null(await ImageAsAdminAsync(Store, imageId));
    }

    [Fact]
    public async Task ImageData_UploadAndDownloadFollowTheirRules()
    {
        var ownerProject = NewProject("owner");
        var memberProject = NewProject("member");
        var owner = Client(Caller.Project(ownerProject));
        var imageId = await owner.CreateImageIdAsync("{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        await owner.AddMemberAsync(imageId, memberProject);

        await AssertRefusedAsync(Client(Caller.Reader(ownerProject)).SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", ImageData.ImageDataTests.Octets([1, 2])),
            403, NotAuthorized("upload_image"));
        await AssertRefusedAsync(Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", ImageData.ImageDataTests.Octets([1, 2])),
            403, NotAuthorized("upload_image"));
        var image = (await ImageAsAdminAsync(Store, imageId))!;
        Assert.Equal("queued", (string?)image["status"]);
        Assert.Null(image["size"]);

        await AssertOkAsync(owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", ImageData.ImageDataTests.Octets([7, 8, 9])), HttpStatusCode.NoContent);

        // download_image: role:member and (owner, member, or a shared/public/community image).
        using (var download = await Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file"))
        {
            Assert.Equal(200, (int)download.StatusCode);
            Assert.Equal(new byte[] { 7, 8, 9 }, await download.Content.ReadAsByteArrayAsync());
        }

        await AssertRefusedAsync(Client(Caller.Reader(memberProject)).SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file"), 403, NotAuthorized("download_image"));
        await AssertRefusedAsync(Client(Caller.SystemAdmin).SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file"), 404, ResourceNotFound);
    }

    [Fact]
    public async Task DeactivateReactivate_PolicyDecides()
    {
        var ownerProject = NewProject("owner");
        var memberProject = NewProject("member");
        var owner = Client(Caller.Project(ownerProject));
        var imageId = await owner.CreateImageIdAsync("{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        await owner.AddMemberAsync(imageId, memberProject);
        await AssertOkAsync(owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", ImageData.ImageDataTests.Octets([1])), HttpStatusCode.NoContent);

        await AssertRefusedAsync(Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Post, $"v2/images/{imageId}/actions/deactivate"), 403, NotAuthorized("deactivate"));
        await AssertRefusedAsync(Client(Caller.Reader(ownerProject)).SendAsync(HttpMethod.Post, $"v2/images/{imageId}/actions/deactivate"), 403, NotAuthorized("deactivate"));
        Assert.Equal("active", (string?)(await ImageAsAdminAsync(Store, imageId))!["status"]);

        await AssertOkAsync(owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/actions/deactivate"), HttpStatusCode.NoContent);
        await AssertRefusedAsync(Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Post, $"v2/images/{imageId}/actions/reactivate"), 403, NotAuthorized("reactivate"));
        Assert.Equal("deactivated", (string?)(await ImageAsAdminAsync(Store, imageId))!["status"]);
        await AssertOkAsync(owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/actions/reactivate"), HttpStatusCode.NoContent);
        Assert.Equal("active", (string?)(await ImageAsAdminAsync(Store, imageId))!["status"]);
    }

    // --- member delete (MemberDeletePolicy.Decide, CONFORMANCE.md section 5)

    [Fact]
    public async Task DeleteMember_SecureRbacAnswers()
    {
        var ownerProject = NewProject("owner");
        var memberProject = NewProject("member");
        var otherProject = NewProject("other");
        var owner = Client(Caller.Project(ownerProject));
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, memberProject);
        await owner.AddMemberAsync(imageId, otherProject);

        await AssertRefusedAsync(Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/members/{memberProject}"),
            403, NotAuthorized("delete_member"));
        await AssertRefusedAsync(Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/members/{otherProject}"),
            404, $"{otherProject} not found in the member list of the image {imageId}.");
        await AssertRefusedAsync(Client(Caller.Reader(ownerProject)).SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/members/{memberProject}"),
            403, NotAuthorized("delete_member"));
        await AssertRefusedAsync(Client(Caller.SystemAdmin).SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/members/{memberProject}"), 404, ResourceNotFound);
        Assert.Equal([memberProject + ":pending", otherProject + ":pending"], await MemberRowsAsync(Store, imageId));

        await AssertOkAsync(owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/members/{memberProject}"), HttpStatusCode.NoContent);
        Assert.Equal([otherProject + ":pending"], await MemberRowsAsync(Store, imageId));
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class SecureRbacTests
{
    public sealed class Sqlite(SecureStoreFixture fixture) : SecureRbacTests(fixture), IClassFixture<SecureStoreFixture>;

    public sealed class PostgreSql(SecurePostgresStoreFixture fixture) : SecureRbacTests(fixture), IClassFixture<SecurePostgresStoreFixture>;
}
