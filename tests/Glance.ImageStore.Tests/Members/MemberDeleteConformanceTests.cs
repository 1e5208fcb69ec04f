using System.Net;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Members;

/// <summary>
/// CONFORMANCE.md section 1, rows 5-9 and their consequences, through real HTTP against the real
/// store, as admin / owner / member / stranger. Each row builds its own image and members.
/// </summary>
public abstract partial class MemberDeleteConformanceTests(StoreFixture fixture)
{
    private const string NotFound = "Image {image} not found.";
    private const string NotAllowed = "Not allowed to delete members for image {image}.";
    private const string NotMember = "{member} not found in the member list of the image {image}.";

    public static TheoryData<string, string, string, int, string?> Rows() => new()
    {
        // image kind, caller, member to delete, status, explanation
        { "shared", "owner", "pending", 204, null },
        { "shared", "owner", "accepted", 204, null },
        { "shared", "owner", "rejected", 204, null },
        { "shared", "admin", "pending", 204, null },
        { "shared", "admin", "accepted", 204, null },
        { "shared", "system-admin", "rejected", 204, null },
        { "shared", "owner", "bogus", 404, NotMember },
        { "shared", "admin", "bogus", 404, NotMember },
        { "shared", "owner", "upper-case", 404, NotMember },
        { "shared", "member", "self", 403, NotAllowed },
        { "shared", "member", "accepted", 403, NotAllowed },
        { "shared", "member", "bogus", 403, NotAllowed },
        { "shared", "rejected-member", "self", 403, NotAllowed },
        { "shared", "stranger", "pending", 404, NotFound },
        { "shared", "stranger", "bogus", 404, NotFound },
        { "public", "owner", "pending", 403, NotAllowed },
        { "public", "admin", "pending", 403, NotAllowed },
        { "public", "stranger", "pending", 403, NotAllowed },
        { "public", "owner", "bogus", 403, NotAllowed },
        { "community", "owner", "pending", 403, NotAllowed },
        { "community", "admin", "accepted", 403, NotAllowed },
        { "community", "stranger", "bogus", 403, NotAllowed },
        { "private", "owner", "pending", 403, NotAllowed },
        { "private", "admin", "pending", 403, NotAllowed },
        { "private", "member", "self", 404, NotFound },
        { "private", "stranger", "pending", 404, NotFound },
        { "no-owner", "member", "self", 403, NotAllowed },
        { "no-owner", "stranger", "pending", 403, NotAllowed },
        { "no-owner", "admin", "pending", 204, null },
        { "no-owner", "admin", "bogus", 404, NotMember },
        { "deleted", "admin", "pending", 404, NotFound },
        { "deleted", "owner", "pending", 404, NotFound },
        { "deleted", "member", "self", 404, NotFound },
        { "deactivated", "owner", "pending", 204, null },
        { "protected", "owner", "pending", 204, null },
        { "hidden", "owner", "pending", 204, null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task DeleteMember_Row_AnswersAsGlance(string imageKind, string callerKind, string memberKind, int status, string? explanation)
    {
        var scene = await Scene.BuildAsync(fixture.Store, imageKind);
        var caller = scene.CallerFor(callerKind);
        var memberId = scene.Member(memberKind, callerKind);
        var before = await scene.MembersAsAdminAsync();

        using var response = await fixture.Store.Client(caller).SendAsync(HttpMethod.Delete, $"v2/images/{scene.ImageId}/members/{memberId}");

        Assert.Equal(status, (int)response.StatusCode);
        if (explanation is null)
        {
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            Assert.Null(response.Content.Headers.ContentType);
            Assert.DoesNotContain(memberId, await scene.MembersAsAdminAsync());

            // The same DELETE again: the member is gone (rule 8).
            using var again = await fixture.Store.Client(caller).SendAsync(HttpMethod.Delete, $"v2/images/{scene.ImageId}/members/{memberId}");
            Assert.Equal(404, (int)again.StatusCode);
            Assert.Equal(NotMember.Replace("{member}", memberId, StringComparison.Ordinal).Replace("{image}", scene.ImageId, StringComparison.Ordinal), await ErrorText.ExplanationAsync(again));
        }
        else
        {
            var expected = explanation.Replace("{member}", memberId, StringComparison.Ordinal).Replace("{image}", scene.ImageId, StringComparison.Ordinal);
            Assert.Equal(expected, await ErrorText.ExplanationAsync(response));
            Assert.Equal(before, await scene.MembersAsAdminAsync());
        }
    }

    [Fact]
    public async Task DeleteMember_PercentEncodedHyphenInImageId_MatchesTheImage()
    {
        var scene = await Scene.BuildAsync(fixture.Store, "shared");
        var encoded = scene.ImageId.Replace("-", "%2D", StringComparison.Ordinal);
        using var response = await fixture.Store.Client(scene.Owner).SendAsync(HttpMethod.Delete, $"v2/images/{encoded}/members/{scene.Pending}");
        Assert.Equal(204, (int)response.StatusCode);
    }

    [Fact]
    public async Task DeleteMember_QueryString_IsIgnored()
    {
        var scene = await Scene.BuildAsync(fixture.Store, "shared");
        using var response = await fixture.Store.Client(scene.Owner).SendAsync(HttpMethod.Delete, $"v2/images/{scene.ImageId}/members/{scene.Pending}?member={scene.Accepted}&x=1");
        Assert.Equal(204, (int)response.StatusCode);
        Assert.Equal([scene.Accepted, scene.Rejected], await scene.MembersAsAdminAsync());
    }

    [Theory]
    [InlineData("upper-case")]
    [InlineData("too-long")]
    [InlineData("not-a-uuid")]
    [InlineData("unicode")]
    [InlineData("encoded-slash")]
    public async Task DeleteMember_OddImageId_Is404AndChangesNothing(string shape)
    {
        var scene = await Scene.BuildAsync(fixture.Store, "shared");
        var (path, shown) = shape switch
        {
            "upper-case" => (scene.ImageId.ToUpperInvariant(), scene.ImageId.ToUpperInvariant()),
            "too-long" => (scene.ImageId + "0", scene.ImageId + "0"),
            "not-a-uuid" => ("not-a-uuid", "not-a-uuid"),
            "unicode" => (Uri.EscapeDataString("ïmage-é"), "ïmage-é"),
            _ => (scene.ImageId[..8] + "%2F" + scene.ImageId[9..], null),
        };
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Delete, $"v2/images/{path}/members/{scene.Pending}");
        Assert.Equal(404, (int)response.StatusCode);

        // An encoded slash splits the path before routing: six segments, no route.
        Assert.Equal(shown is null ? "The resource could not be found." : $"Image {shown} not found.", await ErrorText.ExplanationAsync(response));
        Assert.Equal([scene.Accepted, scene.Pending, scene.Rejected], await scene.MembersAsAdminAsync());
    }

    /// <summary>An image of one kind with three members (pending, accepted, rejected) of a fresh owner.</summary>
    private sealed class Scene
    {
        private readonly StoreInstance _store;
        private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];

        private Scene(StoreInstance store) => _store = store;

        public string ImageId { get; private set; } = string.Empty;
        public Caller Owner => Support.Caller.Project("owner-" + _suffix);
        public string Pending => "pending-" + _suffix;
        public string Accepted => "accepted-" + _suffix;
        public string Rejected => "rejected-" + _suffix;

        public static async Task<Scene> BuildAsync(StoreInstance store, string kind)
        {
            var scene = new Scene(store);
            var admin = store.Client(Support.Caller.Admin);
            var owner = store.Client(scene.Owner);
            var extra = kind switch
            {
                "protected" => ", \"protected\": true",
                "hidden" => ", \"os_hidden\": true",
                _ => string.Empty,
            };
            scene.ImageId = kind == "no-owner"
                ? await admin.CreateImageIdAsync("{\"owner\": null, \"visibility\": \"shared\"}")
                : await owner.CreateImageIdAsync("{\"name\": \"scene\", \"visibility\": \"shared\"" + extra + "}");
            var adder = kind == "no-owner" ? admin : owner;
            await adder.AddMemberAsync(scene.ImageId, scene.Pending);
            await adder.AddMemberAsync(scene.ImageId, scene.Accepted, "accepted", store.Client(Support.Caller.Project(scene.Accepted)));
            await adder.AddMemberAsync(scene.ImageId, scene.Rejected, "rejected", store.Client(Support.Caller.Project(scene.Rejected)));
            switch (kind)
            {
                case "public":
                case "community":
                case "private":
                    await admin.PatchAsync(scene.ImageId, $"[{{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"{kind}\"}}]");
                    break;
                case "deleted":
                    using (var deleted = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{scene.ImageId}"))
                    {
                        Assert.Equal(204, (int)deleted.StatusCode);
                    }

                    break;
                case "deactivated":
                    using (var upload = await owner.SendAsync(HttpMethod.Put, $"v2/images/{scene.ImageId}/file", Octets("data")))
                    {
                        Assert.Equal(204, (int)upload.StatusCode);
                    }

                    using (var deactivate = await admin.SendAsync(HttpMethod.Post, $"v2/images/{scene.ImageId}/actions/deactivate"))
                    {
                        Assert.Equal(204, (int)deactivate.StatusCode);
                    }

                    break;
            }

            return scene;
        }

        public Caller CallerFor(string kind) => kind switch
        {
            "admin" => Support.Caller.Admin,
            "system-admin" => Support.Caller.SystemAdmin,
            "owner" => Owner,
            "member" => Support.Caller.Project(Pending),
            "rejected-member" => Support.Caller.Project(Rejected),
            _ => Support.Caller.Project("stranger-" + _suffix),
        };

        public string Member(string kind, string callerKind) => kind switch
        {
            "pending" => Pending,
            "accepted" => Accepted,
            "rejected" => Rejected,
            "upper-case" => Pending.ToUpperInvariant(),
            "self" => callerKind == "rejected-member" ? Rejected : Pending,
            _ => "bogus-" + _suffix,
        };

        /// <summary>The member list as admin sees it in the database (empty list for images whose members cannot be listed).</summary>
        public async Task<List<string>> MembersAsAdminAsync()
        {
            using var response = await _store.Client(Support.Caller.Admin).SendAsync(HttpMethod.Get, $"v2/images/{ImageId}/members");
            return response.StatusCode == HttpStatusCode.OK ? await _store.Client(Support.Caller.Admin).MemberIdsAsync(ImageId) : [];
        }

        private static ByteArrayContent Octets(string text)
        {
            var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(text));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            return content;
        }
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class MemberDeleteConformanceTests
{
    public sealed class Sqlite(StoreFixture fixture) : MemberDeleteConformanceTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : MemberDeleteConformanceTests(fixture), IClassFixture<PostgresStoreFixture>;
}
