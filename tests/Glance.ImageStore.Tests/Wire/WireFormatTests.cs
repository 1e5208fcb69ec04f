using System.Text;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Wire;

/// <summary>CONFORMANCE.md section 2 and rows 1-4 of section 1, byte for byte over HTTP.</summary>
public abstract partial class WireFormatTests(StoreFixture fixture)
{
    private const string Id = "0b6e3c4e-7f1a-4c39-9d5e-2f1b8e7a6c01";

    [Fact]
    public async Task Error404_AcceptAny_IsWebobHtml()
    {
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Get, $"v2/images/{Id}/members/m1", accept: "*/*");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("text/html; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(
            "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  Image " + Id
            + " not found.<br /><br />\n\n\n\n </body>\n</html>",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Error404_AcceptJson_IsGlanceJson()
    {
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Delete, $"v2/images/{Id}/members/m1", accept: "application/json");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(
            "{\"message\": \"Image " + Id + " not found.<br /><br />\\n\\n\\n\", \"code\": \"404 Not Found\", \"title\": \"Not Found\"}",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Error404_NoAccept_IsPlainText()
    {
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Delete, $"v2/images/{Id}/members/m1");
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("404 Not Found\n\nImage " + Id + " not found.\n\n   ", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    [InlineData("PROPFIND")]
    public async Task MemberPath_OtherMethod_Is405WithAllow(string method)
    {
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(new HttpMethod(method), $"v2/images/{Id}/members/m1", accept: "text/html");
        Assert.Equal(405, (int)response.StatusCode);
        Assert.Equal("GET, PUT, DELETE", string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal(
            "<html>\n <head>\n  <title>405 Method Not Allowed</title>\n </head>\n <body>\n  <h1>405 Method Not Allowed</h1>\n  The method "
            + method + " is not allowed for this resource. <br /><br />\n\n </body>\n</html>",
            await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("v2/images/" + Id + "/members/m1", "GET, PUT, DELETE")]
    [InlineData("v2/images/" + Id + "/members", "GET, POST")]
    public async Task MembersPaths_Head_Is405WithAllowAndNoBody(string path, string allow)
    {
        // Glance's router matches methods exactly, so HEAD is not taken for GET (CONFORMANCE row 3).
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Head, path);
        Assert.Equal(405, (int)response.StatusCode);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task MemberPath_405_JsonAndPlainBodies()
    {
        using var json = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Post, $"v2/images/{Id}/members/m1", accept: "application/json");
        Assert.Equal("{\"message\": \"The method POST is not allowed for this resource. <br /><br />\\n\", \"code\": \"405 Method Not Allowed\", \"title\": \"Method Not Allowed\"}", await json.Content.ReadAsStringAsync());
        using var plain = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Post, $"v2/images/{Id}/members/m1");
        Assert.Equal("405 Method Not Allowed\n\nThe method POST is not allowed for this resource. \n\n ", await plain.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MembersCollection_Delete_Is405AllowGetPost()
    {
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Delete, $"v2/images/{Id}/members");
        Assert.Equal(405, (int)response.StatusCode);
        Assert.Equal("GET, POST", string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal("The method DELETE is not allowed for this resource. ", await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task BlankImageId_Delete_Is405()
    {
        var owner = fixture.Store.Client(Caller.Project("p-blank"));
        using var response = await owner.SendAsync(HttpMethod.Delete, "v2/images//members/m1");
        Assert.Equal(405, (int)response.StatusCode);
        Assert.Equal("GET, PUT, DELETE", string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal("The method DELETE is not allowed for this resource. ", await ErrorText.ExplanationAsync(response));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("POST")]
    public async Task BlankImageId_OtherMethod_CollapsesAndMatchesNoRoute(string method)
    {
        // Only the seed's DELETE is a 405; otherwise the slashes collapse (/v2/images/members/m1), as in Glance.
        var owner = fixture.Store.Client(Caller.Project("p-blank"));
        using var response = await owner.SendAsync(new HttpMethod(method), "v2/images//members/m1");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("The resource could not be found.", await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task DeleteMember_WithBody_Is400AndMemberStays()
    {
        var owner = fixture.Store.Client(Caller.Project("p-body-" + Guid.NewGuid().ToString("N")));
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, "m1");
        using var response = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/members/m1", StoreClient.Json("{}"));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("A body is not expected with this request.", await ErrorText.ExplanationAsync(response));
        Assert.Equal(["m1"], await owner.MemberIdsAsync(imageId));
    }

    [Fact]
    public async Task NoIdentity_Is401WithKeystoneChallenge()
    {
        using var response = await fixture.Store.Client(Caller.Anonymous).SendAsync(HttpMethod.Delete, $"v2/images/{Id}/members/m1");
        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("Keystone uri=\"http://127.0.0.1:5000/v3\"", response.Headers.WwwAuthenticate.ToString());
        Assert.StartsWith("This server could not verify that you are authorized", await ErrorText.ExplanationAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoContent_HasNoContentTypeNoBodyAndRequestId()
    {
        var owner = fixture.Store.Client(Caller.Project("p-204-" + Guid.NewGuid().ToString("N")));
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, "m1");
        using var response = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/members/m1");
        Assert.Equal(204, (int)response.StatusCode);
        Assert.Null(response.Content.Headers.ContentType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());

        // Kestrel never sends Content-Length on a 204 (RFC 9110 8.6); an empty body is the same message.
        Assert.True(response.Content.Headers.ContentLength is null or 0);
        Assert.Matches("^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", response.Headers.GetValues("X-Openstack-Request-Id").Single());
    }

    [Theory]
    [InlineData("abc-123", "req-abc-123")]
    [InlineData("req-abc-123", "req-abc-123")]
    public async Task RequestId_ClientValue_IsEchoed(string sent, string expected)
    {
        using var response = await fixture.Store.Client(Caller.Anonymous).SendAsync(HttpMethod.Get, "v2/images", configure: r => r.Headers.Add("X-Openstack-Request-Id", sent));
        Assert.Equal(expected, response.Headers.GetValues("X-Openstack-Request-Id").Single());
    }

    [Fact]
    public async Task RequestId_TooLong_IsReplacedNot500()
    {
        var sent = new string('a', 65);
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Get, "v2/images", configure: r => r.Headers.Add("X-Openstack-Request-Id", sent));
        Assert.Equal(200, (int)response.StatusCode);
        var id = response.Headers.GetValues("X-Openstack-Request-Id").Single();
        Assert.NotEqual("req-" + sent, id);
        Assert.Matches("^req-[0-9a-f-]{36}$", id);
    }

    [Fact]
    public async Task UnknownRoute_Is404InGlanceFormat()
    {
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Get, "v2/nothing/here");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("404 Not Found\n\nThe resource could not be found.\n\n   ", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.Contains("X-Openstack-Request-Id"));
    }

    [Fact]
    public async Task Versions_NeedNoIdentity()
    {
        using var response = await fixture.Store.Client(Caller.Anonymous).SendAsync(HttpMethod.Get, "versions");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("\"CURRENT\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("image")]
    [InlineData("images")]
    [InlineData("member")]
    [InlineData("members")]
    public async Task Schemas_AreJsonWithTheirName(string name)
    {
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Get, "v2/schemas/" + name);
        Assert.Equal(200, (int)response.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal(name, json.RootElement.GetProperty("name").GetString());
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class WireFormatTests
{
    public sealed class Sqlite(StoreFixture fixture) : WireFormatTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : WireFormatTests(fixture), IClassFixture<PostgresStoreFixture>;
}
