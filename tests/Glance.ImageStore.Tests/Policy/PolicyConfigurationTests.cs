using Glance.ImageStore.Tests.Support;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;
using static Glance.ImageStore.Tests.Policy.PolicyTestKit;

namespace Glance.ImageStore.Tests.Policy;

/// <summary>
/// <c>ImageStore:Policy:*</c> of the store on its own (the mode, the operator's file read once at
/// start, a broken file stopping it), and a host's provider read once per request.
/// </summary>
public sealed class PolicyConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("glance-store-policy-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WritePolicy(string text)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task EnforceNewDefaults_AndEnforceScope_FromOptions()
    {
        await using var store = await StoreInstance.StartAsync(o =>
        {
            o.Policy.EnforceNewDefaults = true;
            o.Policy.EnforceScope = true;
        });

        await AssertRefusedAsync(store.Client(Caller.Reader(NewProject("r"))).SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json("{}")), 403, NotAuthorized("add_image"));
        await AssertRefusedAsync(store.Client(Caller.SystemAdmin).SendAsync(HttpMethod.Get, "v2/images"), 403, NotAuthorized("get_images"));
    }

    [Fact]
    public async Task EnforceNewDefaults_WithoutScope_SystemAdminIsAnAdmin()
    {
        await using var store = await StoreInstance.StartAsync(o => o.Policy.EnforceNewDefaults = true);

        await AssertRefusedAsync(store.Client(Caller.Reader(NewProject("r"))).SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json("{}")), 403, NotAuthorized("add_image"));
        await AssertOkAsync(store.Client(Caller.SystemAdmin).SendAsync(HttpMethod.Get, "v2/images"));
    }

    [Fact]
    public async Task PolicyFile_RulesItNamesReplaceTheDefaults()
    {
        var file = WritePolicy("""
            get_image: "role:admin or project_id:%(project_id)s"
            modify_image: "role:admin"
            add_member: "!"
            """);
        await using var store = await StoreInstance.StartAsync(o => o.Policy.File = file);
        var ownerProject = NewProject("owner");
        var memberProject = NewProject("member");
        var owner = store.Client(Caller.Project(ownerProject));
        var imageId = await owner.CreateImageIdAsync();
        var rename = () => StoreClient.Patch("[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"x\"}]");

        // modify_image refused: a 403 for whoever get_image lets see the image, a bare 404 for anyone else.
        await AssertRefusedAsync(owner.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", rename()), 403, NotAuthorized("modify_image"));
        await AssertRefusedAsync(owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", StoreClient.Json($"{{\"member\": \"{memberProject}\"}}")),
            403, NotAuthorized("add_member"));
        Assert.Empty(await MemberRowsAsync(store, imageId));

        // Rules the file does not name keep their (legacy) defaults; the coded checks still apply.
        await AssertRefusedAsync(store.Client(Caller.Project(memberProject)).SendAsync(HttpMethod.Delete, $"v2/images/{imageId}"), 404, $"Failed to find image {imageId} to delete");
        await AssertOkAsync(owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}"), System.Net.HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task PolicyFile_HidingImages_IsA404AndTheListingFiltersThem()
    {
        var file = WritePolicy("get_image: \"role:admin or project_id:%(project_id)s\"\n");
        await using var store = await StoreInstance.StartAsync(o => o.Policy.File = file);
        var ownerProject = NewProject("owner");
        var memberProject = NewProject("member");
        var owner = store.Client(Caller.Project(ownerProject));
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, memberProject);
        var member = store.Client(Caller.Project(memberProject));

        // The database shows it to the member; get_image does not.
        await AssertRefusedAsync(member.SendAsync(HttpMethod.Get, $"v2/images/{imageId}"), 404, ResourceNotFound);

        // modify_image itself passes (its legacy default), so no 404: the coded check answers.
        await AssertRefusedAsync(member.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", StoreClient.Patch("[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"x\"}]")),
            403, "You do not own this image");

        // As in Glance, an empty patch asks no rule at all (update checks per change), so it answers 200.
        await AssertOkAsync(member.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", StoreClient.Patch("[]")));
        Assert.Empty(await ListIdsAsync(member, $"?owner={ownerProject}&member_status=all"));
        Assert.Equal([imageId], await ListIdsAsync(owner, $"?owner={ownerProject}"));
        await AssertRefusedAsync(member.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members"), 404, ResourceNotFound);
        await AssertRefusedAsync(member.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/members/{memberProject}", StoreClient.Json("{\"status\": \"accepted\"}")),
            404, ResourceNotFound);
        Assert.Equal([memberProject + ":pending"], await MemberRowsAsync(store, imageId));
    }

    [Fact]
    public async Task PolicyFile_MemberRulesSeeTheImagesAttributesAndProperties()
    {
        // Glance's ImageTarget: image attributes (status, size) and custom properties by name.
        var file = WritePolicy("""
            add_member: "'active':%(status)s"
            get_member: "'yes':%(shareable)s and '3':%(size)s"
            """);
        await using var store = await StoreInstance.StartAsync(o => o.Policy.File = file);
        var owner = store.Client(Caller.Project(NewProject("owner")));
        var imageId = await owner.CreateImageIdAsync("{\"disk_format\": \"raw\", \"container_format\": \"bare\", \"shareable\": \"yes\"}");
        var add = (string member) => StoreClient.Json($"{{\"member\": \"{member}\"}}");

        await AssertRefusedAsync(owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", add("early")), 403, NotAuthorized("add_member"));
        await AssertOkAsync(owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", ImageData.ImageDataTests.Octets([1, 2, 3])), System.Net.HttpStatusCode.NoContent);
        await AssertOkAsync(owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", add("later")));
        Assert.Equal(["later"], await owner.MemberIdsAsync(imageId));

        // get_member refused: the listing keeps no row, show answers 404 with the rule's message.
        await owner.PatchAsync(imageId, "[{\"op\": \"replace\", \"path\": \"/shareable\", \"value\": \"no\"}]");
        Assert.Empty(await owner.MemberIdsAsync(imageId));
        await AssertRefusedAsync(owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members/later"), 404, NotAuthorized("get_member"));
        await owner.PatchAsync(imageId, "[{\"op\": \"replace\", \"path\": \"/shareable\", \"value\": \"yes\"}]");
        Assert.Equal(["later"], await owner.MemberIdsAsync(imageId));
    }

    [Fact]
    public async Task PolicyFile_ACheckStringThatDoesNotParse_DeniesThatRuleOnly()
    {
        var file = WritePolicy("add_image: \"role:member and (\"\n");
        await using var store = await StoreInstance.StartAsync(o => o.Policy.File = file);

        await AssertRefusedAsync(store.Client(Caller.Project(NewProject("p"))).SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json("{}")), 403, NotAuthorized("add_image"));
        await AssertOkAsync(store.Client(Caller.Project(NewProject("p"))).SendAsync(HttpMethod.Get, "v2/images"));
    }

    [Theory]
    [InlineData("get_image: [unclosed\n", "is not a policy file")]
    [InlineData("- just\n- a list\n", "is not a policy file")]
    public void PolicyFile_NotAPolicyFile_StopsTheStoreAtStart(string text, string expected)
    {
        var file = WritePolicy(text);
        var exception = Assert.Throws<OptionsValidationException>(() => ImageStoreApplication.Build(new ImageStoreOptions
        {
            Url = "http://127.0.0.1:0",
            DataPath = Path.Combine(_folder, "data"),
            Policy = { File = file },
        }));
        var failure = Assert.Single(exception.Failures);
        Assert.StartsWith($"ImageStore:Policy:File '{file}' {expected}", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyFile_Missing_IsAValidationFailure()
    {
        var file = Path.Combine(_folder, "absent.yaml");
        var exception = Assert.Throws<OptionsValidationException>(() => ImageStoreApplication.Build(new ImageStoreOptions
        {
            Url = "http://127.0.0.1:0",
            DataPath = Path.Combine(_folder, "data"),
            Policy = { File = file },
        }));
        Assert.Contains($"ImageStore:Policy:File '{file}' does not exist", Assert.Single(exception.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostProvider_OwnPolicySettingsAreNotUsed_AndEachRequestReadsTheRulesInForce()
    {
        // A host passes its provider: the store's own Policy settings (even a missing file) are
        // not used, and a replaced rule set applies from the next request on.
        var holder = new PolicyRulesHolder(PolicyRules.Defaults(PolicyMode.Legacy));
        await using var store = await StoreInstance.StartAsync(o => o.Policy.File = Path.Combine(_folder, "absent.yaml"), holder);
        var reader = store.Client(Caller.Reader(NewProject("r")));

        await AssertOkAsync(reader.SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json("{}")), System.Net.HttpStatusCode.Created);
        holder.Replace(PolicyRules.Defaults(PolicyMode.Secure));
        await AssertRefusedAsync(reader.SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json("{}")), 403, NotAuthorized("add_image"));
    }
}
