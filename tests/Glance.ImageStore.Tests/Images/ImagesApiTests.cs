using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Images;

public abstract partial class ImagesApiTests(StoreFixture fixture)
{
    private StoreClient NewOwner(out string project)
    {
        project = "img-" + Guid.NewGuid().ToString("N");
        return fixture.Store.Client(Caller.Project(project));
    }

    [Fact]
    public async Task CreateImage_Defaults_AreGlances()
    {
        var owner = NewOwner(out var project);
        var image = await owner.CreateImageAsync("{\"name\": \"n\", \"custom\": \"v\", \"tags\": [\"t\", \"t\"]}");
        Assert.Equal("shared", (string?)image["visibility"]);
        Assert.Equal("queued", (string?)image["status"]);
        Assert.Equal(project, (string?)image["owner"]);
        Assert.Equal("v", (string?)image["custom"]);
        Assert.Equal(["t"], image["tags"]!.AsArray().Select(t => (string)t!));
        Assert.False((bool)image["protected"]!);
        Assert.Equal($"/v2/images/{image["id"]}", (string?)image["self"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string)image["created_at"]!);
    }

    [Fact]
    public async Task ListImages_Paging_IsNewestFirstWithMarker()
    {
        var owner = NewOwner(out var project);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await owner.CreateImageIdAsync($"{{\"name\": \"p{i}\", \"visibility\": \"private\"}}"));
        }

        ids.Reverse();
        using var first = await owner.SendAsync(HttpMethod.Get, $"v2/images?owner={project}&limit=3");
        var page1 = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        Assert.Equal(ids[..3], page1["images"]!.AsArray().Select(i => (string)i!["id"]!));
        var next = (string)page1["next"]!;
        Assert.Contains("marker=" + ids[2], next, StringComparison.Ordinal);

        using var second = await owner.SendAsync(HttpMethod.Get, next.TrimStart('/'));
        var page2 = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        Assert.Equal(ids[3..], page2["images"]!.AsArray().Select(i => (string)i!["id"]!));
        Assert.Null(page2["next"]);
    }

    [Fact]
    public async Task ListImages_MemberStatus_ShowsSharedImagesByStatus()
    {
        var owner = NewOwner(out _);
        var member = "lister-" + Guid.NewGuid().ToString("N");
        var memberClient = fixture.Store.Client(Caller.Project(member));
        var pending = await owner.CreateImageIdAsync();
        var accepted = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(pending, member);
        await owner.AddMemberAsync(accepted, member, "accepted", memberClient);

        async Task<List<string>> Ids(string query)
        {
            using var response = await memberClient.SendAsync(HttpMethod.Get, "v2/images?" + query);
            return [.. JsonNode.Parse(await response.Content.ReadAsStringAsync())!["images"]!.AsArray().Select(i => (string)i!["id"]!)];
        }

        Assert.Equal([accepted], await Ids("visibility=shared"));
        Assert.Equal([pending], await Ids("visibility=shared&member_status=pending"));
        Assert.Equal([accepted, pending], await Ids("visibility=shared&member_status=all"));
        using var bad = await memberClient.SendAsync(HttpMethod.Get, "v2/images?visibility=everyone");
        Assert.Equal(400, (int)bad.StatusCode);
    }

    [Fact]
    public async Task PatchImage_AddReplaceRemove_Applies()
    {
        var owner = NewOwner(out _);
        var imageId = await owner.CreateImageIdAsync("{\"name\": \"a\"}");
        await owner.PatchAsync(imageId, "[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"b\"}, {\"op\": \"add\", \"path\": \"/color\", \"value\": \"red\"}, {\"op\": \"replace\", \"path\": \"/tags\", \"value\": [\"x\"]}]");
        var image = (await owner.GetImageAsync(imageId))!;
        Assert.Equal("b", (string?)image["name"]);
        Assert.Equal("red", (string?)image["color"]);
        await owner.PatchAsync(imageId, "[{\"op\": \"remove\", \"path\": \"/color\"}]");
        Assert.Null((await owner.GetImageAsync(imageId))!["color"]);
    }

    [Fact]
    public async Task PatchImage_ByMember_Is403AndUnchanged()
    {
        var owner = NewOwner(out _);
        var imageId = await owner.CreateImageIdAsync("{\"name\": \"a\"}");
        await owner.AddMemberAsync(imageId, "patcher");
        using var response = await fixture.Store.Client(Caller.Project("patcher")).SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", StoreClient.Patch("[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"b\"}]"));
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("a", (string?)(await owner.GetImageAsync(imageId))!["name"]);
    }

    [Fact]
    public async Task DeleteImage_Protected_Is403ThenDeletedIs404Everywhere()
    {
        var owner = NewOwner(out _);
        var admin = fixture.Store.Client(Caller.Admin);
        var imageId = await owner.CreateImageIdAsync("{\"protected\": true}");
        await owner.AddMemberAsync(imageId, "m1");
        using (var refused = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}"))
        {
            Assert.Equal(403, (int)refused.StatusCode);
            Assert.Equal($"Image {imageId} is protected and cannot be deleted.", await ErrorText.ExplanationAsync(refused));
        }

        await owner.PatchAsync(imageId, "[{\"op\": \"replace\", \"path\": \"/protected\", \"value\": false}]");
        using (var deleted = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}"))
        {
            Assert.Equal(204, (int)deleted.StatusCode);
        }

        Assert.Null(await admin.GetImageAsync(imageId));
        foreach (var path in new[] { $"v2/images/{imageId}/members", $"v2/images/{imageId}/members/m1", $"v2/images/{imageId}/file" })
        {
            using var response = await admin.SendAsync(HttpMethod.Get, path);
            Assert.Equal(404, (int)response.StatusCode);
        }

        using var again = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}");
        Assert.Equal(404, (int)again.StatusCode);
    }

    [Fact]
    public async Task Members_ListAndShow_FollowGlanceVisibility()
    {
        var owner = NewOwner(out _);
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, "ma");
        await owner.AddMemberAsync(imageId, "mb");
        Assert.Equal(["ma", "mb"], await owner.MemberIdsAsync(imageId));
        Assert.Equal(["ma"], await fixture.Store.Client(Caller.Project("ma")).MemberIdsAsync(imageId));
        using var other = await fixture.Store.Client(Caller.Project("ma")).SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members/mb");
        Assert.Equal(404, (int)other.StatusCode);
        using var stranger = await fixture.Store.Client(Caller.Project("nobody")).SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members");
        Assert.Equal(404, (int)stranger.StatusCode);

        var privateId = await owner.CreateImageIdAsync("{\"visibility\": \"private\"}");
        using var notShared = await owner.SendAsync(HttpMethod.Get, $"v2/images/{privateId}/members");
        Assert.Equal(403, (int)notShared.StatusCode);
        Assert.Equal($"Not allowed to list members for image {privateId}: Only shared images have members.", await ErrorText.ExplanationAsync(notShared));
        using var addToPrivate = await owner.SendAsync(HttpMethod.Post, $"v2/images/{privateId}/members", StoreClient.Json("{\"member\": \"x\"}"));
        Assert.Equal(403, (int)addToPrivate.StatusCode);
        Assert.Equal($"Not allowed to create members for image {privateId}.", await ErrorText.ExplanationAsync(addToPrivate));
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class ImagesApiTests
{
    public sealed class Sqlite(StoreFixture fixture) : ImagesApiTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : ImagesApiTests(fixture), IClassFixture<PostgresStoreFixture>;
}
