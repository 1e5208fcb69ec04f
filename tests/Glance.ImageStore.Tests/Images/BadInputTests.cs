using System.Net.Http.Headers;
using System.Text;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Images;

/// <summary>Bad input gets Glance's status and message, and leaves the data as it was.</summary>
public abstract partial class BadInputTests(StoreFixture fixture)
{
    private StoreClient NewOwner() => fixture.Store.Client(Caller.Project("bad-" + Guid.NewGuid().ToString("N")));

    private static async Task<int> CountAsync(StoreClient client)
    {
        using var response = await client.SendAsync(HttpMethod.Get, "v2/images?visibility=all&limit=1000");
        var json = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return json["images"]!.AsArray().Count;
    }

    [Theory]
    [InlineData("{\"name\": ", 400, "Malformed JSON in request body.")]
    [InlineData("{\"self\": \"x\"}", 403, "Attribute 'self' is read-only.")]
    [InlineData("{\"status\": \"active\"}", 403, "Attribute 'status' is read-only.")]
    [InlineData("{\"deleted\": \"1\"}", 403, "Access was denied to this resource.\nAttribute 'deleted' is reserved.")]
    [InlineData("{\"extra\": 5}", 400, "Provided object does not match schema 'image': 5 is not of type 'string'")]
    [InlineData("{\"visibility\": \"everyone\"}", 400, "Provided object does not match schema 'image': 'everyone' is not one of ['community', 'public', 'private', 'shared']")]
    [InlineData("{\"protected\": \"yes\"}", 400, "Provided object does not match schema 'image': 'yes' is not of type 'boolean'")]
    [InlineData("{\"id\": \"not-a-uuid\"}", 400, "Provided object does not match schema 'image': 'not-a-uuid' does not match '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$'")]
    [InlineData("[]", 400, "Provided object does not match schema 'image': [] is not of type 'object'")]
    [InlineData("\"image\"", 400, "Unexpected body type. Expected list/dict.")]
    [InlineData("null", 400, "Unexpected body type. Expected list/dict.")]
    [InlineData("{} x", 400, "Malformed JSON in request body.")]
    [InlineData("{\"visibility\": \"public\"}", 403, "You are not authorized to complete publicize_image action.")]
    [InlineData("{\"owner\": \"someone-else\"}", 403, "You are not permitted to create images owned by 'someone-else'.")]
    public async Task CreateImage_BadBody_IsRefusedAndNothingIsCreated(string body, int status, string explanation)
    {
        var owner = NewOwner();
        using var response = await owner.SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json(body));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(explanation, await ErrorText.ExplanationAsync(response));
        Assert.Equal(0, await CountAsync(owner));
    }

    [Fact]
    public async Task CreateImage_NameOf256_Is400AndNameOf255Works()
    {
        var owner = NewOwner();
        using var response = await owner.SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json($"{{\"name\": \"{new string('n', 256)}\"}}"));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal($"Provided object does not match schema 'image': '{new string('n', 256)}' is too long", await ErrorText.ExplanationAsync(response));
        Assert.Equal(0, await CountAsync(owner));
        Assert.Equal(new string('n', 255), (string?)(await owner.CreateImageAsync($"{{\"name\": \"{new string('n', 255)}\"}}"))["name"]);
    }

    [Theory]
    [InlineData("[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"NAME256\"}]", 400, "Provided object does not match schema 'image': 'NAME256' is too long")]
    [InlineData("[{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"everyone\"}]", 400, "Provided object does not match schema 'image': 'everyone' is not one of ['community', 'public', 'private', 'shared']")]
    [InlineData("[{\"op\": \"replace\", \"path\": \"/status\", \"value\": \"active\"}]", 403, "Attribute 'status' is read-only.")]
    [InlineData("[{\"op\": \"replace\", \"path\": \"/id\", \"value\": \"x\"}]", 403, "Attribute 'id' is read-only.")]
    [InlineData("[{\"op\": \"move\", \"path\": \"/name\"}]", 400, "Invalid operation: `move`. It must be one of the following: add, remove, replace.")]
    [InlineData("[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"ok\"}, {\"op\": \"replace\", \"path\": \"/missing\", \"value\": \"x\"}]", 409, "There was a conflict when trying to complete your request.\nProperty missing does not exist.")]
    [InlineData("{\"op\": \"replace\"}", 400, "Request body must be a JSON array of operation objects.")]
    [InlineData("[{\"op\": \"replace\", \"path\": \"/name\", ", 400, "Malformed JSON in request body.")]
    public async Task PatchImage_BadBody_IsRefusedAndImageUnchanged(string body, int status, string explanation)
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync("{\"name\": \"before\"}");
        var before = (await owner.GetImageAsync(imageId))!.ToJsonString();
        body = body.Replace("NAME256", new string('n', 256), StringComparison.Ordinal);
        explanation = explanation.Replace("NAME256", new string('n', 256), StringComparison.Ordinal);

        using var response = await owner.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", StoreClient.Patch(body));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(explanation, await ErrorText.ExplanationAsync(response));
        Assert.Equal(before, (await owner.GetImageAsync(imageId))!.ToJsonString());
    }

    [Fact]
    public async Task PatchImage_WrongContentType_Is415WithAcceptPatch()
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync("{\"name\": \"before\"}");
        using var response = await owner.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", StoreClient.Json("[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"after\"}]"));
        Assert.Equal(415, (int)response.StatusCode);
        Assert.Equal("application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch", response.Headers.GetValues("Accept-Patch").Single());
        Assert.Equal("before", (string?)(await owner.GetImageAsync(imageId))!["name"]);
    }

    [Theory]
    [InlineData("[{\"add\": \"/name\", \"value\": \"after\"}]", 409, "Property name already present.")]
    [InlineData("[{\"add\": \"/os_distro\", \"value\": \"after\"}]", 409, "Property os_distro already present.")]
    [InlineData("[{\"add\": \"/owner\", \"value\": \"someone-else\"}]", 409, "Property owner already present.")]
    [InlineData("[{\"add\": \"/hw_disk_bus\", \"value\": \"scsi\"}, {\"replace\": \"/name\", \"value\": \"after\"}]", 200, null)]
    public async Task PatchImage_Draft4Add_OfWhatTheImageHas_Is409(string patch, int status, string? detail)
    {
        // _do_add: json_schema_version 4 refuses an add of an attribute the image has (every base
        // attribute, or a custom property it carries), after the rules and before the change.
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync("{\"name\": \"before\", \"os_distro\": \"ubuntu\"}");
        var content = new StringContent(patch, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/openstack-images-v2.0-json-patch");
        using var response = await owner.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", content);
        Assert.Equal(status, (int)response.StatusCode);
        var image = (await owner.GetImageAsync(imageId))!;
        if (detail is not null)
        {
            Assert.Equal("There was a conflict when trying to complete your request.\n" + detail, await ErrorText.ExplanationAsync(response));
            Assert.Equal("before", (string?)image["name"]);
        }
        else
        {
            Assert.Equal("after", (string?)image["name"]);
            Assert.Equal("scsi", (string?)image["hw_disk_bus"]);
        }
    }

    [Theory]
    [InlineData("upper")]
    [InlineData("long")]
    [InlineData("non-uuid")]
    [InlineData("unicode")]
    public async Task GetImage_OddId_Is404(string shape)
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync();
        var path = shape switch
        {
            "upper" => imageId.ToUpperInvariant(),
            "long" => imageId + "a",
            "non-uuid" => "image-1",
            _ => Uri.EscapeDataString("ïd"),
        };
        using var response = await owner.SendAsync(HttpMethod.Get, "v2/images/" + path);
        Assert.Equal(404, (int)response.StatusCode);
        Assert.StartsWith("No image found with ID ", await ErrorText.ExplanationAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetImage_EncodedSlashInId_SplitsThePathAndMatchesNoRoute()
    {
        // %2F is decoded before Glance's router splits the path (CONFORMANCE section 6, step 4).
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync();
        using var response = await owner.SendAsync(HttpMethod.Get, "v2/images/" + imageId[..8] + "%2F" + imageId[9..]);
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("The resource could not be found.", await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task DeleteImage_WithBody_Is400AndImageStays()
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync();
        using var response = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}", StoreClient.Json("{}"));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("A body is not expected with this request.", await ErrorText.ExplanationAsync(response));
        Assert.NotNull(await owner.GetImageAsync(imageId));
    }

    [Fact]
    public async Task CreateImage_OversizedBody_Is413AndNothingIsCreated()
    {
        var owner = NewOwner();
        var body = "{\"name\": \"x\", \"big\": \"" + new string('b', 70 * 1024) + "\"}";
        using var response = await owner.SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json(body));
        Assert.Equal(413, (int)response.StatusCode);
        Assert.Equal(0, await CountAsync(owner));
    }

    [Fact]
    public async Task CreateImage_EmptyChunkedBody_IsMalformedJsonAsGlancesFromJson()
    {
        // has_body is true for a chunked POST, so Glance parses the empty body.
        var owner = NewOwner();
        var content = new StreamContent(new MemoryStream());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await owner.SendAsync(HttpMethod.Post, "v2/images", content, configure: r => r.Headers.TransferEncodingChunked = true);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("Malformed JSON in request body.", await ErrorText.ExplanationAsync(response));
        Assert.Equal(0, await CountAsync(owner));
    }

    [Fact]
    public async Task CreateImage_OversizedChunkedBody_Is413()
    {
        var owner = NewOwner();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"big\": \"" + new string('b', 70 * 1024) + "\"}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await owner.SendAsync(HttpMethod.Post, "v2/images", content, configure: r => r.Headers.TransferEncodingChunked = true);
        Assert.Equal(413, (int)response.StatusCode);
        Assert.Equal(0, await CountAsync(owner));
    }

    [Theory]
    [InlineData("{\"member\": ", 400, "Malformed JSON in request body.")]
    [InlineData("{}", 400, "Member to be added not specified")]
    [InlineData("{\"member\": \"\"}", 400, "Member can't be empty")]
    [InlineData("[\"m\"]", 400, "Expected a member in the form: {\"member\": \"image_id\"}")]
    [InlineData("5", 400, "Unexpected body type. Expected list/dict.")]
    public async Task AddMember_BadBody_IsRefusedAndNoMemberAdded(string body, int status, string explanation)
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync();
        using var response = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", StoreClient.Json(body));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(explanation, await ErrorText.ExplanationAsync(response));
        Assert.Empty(await owner.MemberIdsAsync(imageId));
    }

    [Fact]
    public async Task UpdateMember_InvalidStatus_Is400AndStatusUnchanged()
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, "m-status");
        var member = fixture.Store.Client(Caller.Project("m-status"));
        using var response = await member.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/members/m-status", StoreClient.Json("{\"status\": \"maybe\"}"));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("Incorrect request: Status must be \"pending\", \"accepted\" or \"rejected\".", await ErrorText.ExplanationAsync(response));
        using var show = await member.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members/m-status");
        Assert.Contains("\"status\": \"pending\"", await show.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class BadInputTests
{
    public sealed class Sqlite(StoreFixture fixture) : BadInputTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : BadInputTests(fixture), IClassFixture<PostgresStoreFixture>;
}
