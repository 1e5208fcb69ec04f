using System.Net;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Images;

/// <summary>
/// <c>PUT|DELETE /v2/images/{id}/tags/{tag}</c> as glance/api/v2/image_tags.py answers (compared
/// with a running Glance 25.1): 204 with webob's Content-Type, the tag set, its quota, the
/// schema's length check, and the controller's own 404/403 messages.
/// </summary>
public abstract partial class ImageTagsTests(StoreFixture fixture)
{
    private StoreClient NewOwner() => fixture.Store.Client(Caller.Project("tags-" + Guid.NewGuid().ToString("N")));

    private static async Task<List<string>> TagsAsync(StoreClient client, string imageId) =>
        [.. (await client.GetImageAsync(imageId))!["tags"]!.AsArray().Select(t => (string)t!)];

    [Fact]
    public async Task PutTag_AddsOnce_204WithWebobContentType()
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync("""{"tags": ["a"]}""");
        for (var i = 0; i < 2; i++)
        {
            using var response = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/tags/b%20c");
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal("text/html; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(["a", "b c"], await TagsAsync(owner, imageId));
    }

    [Fact]
    public async Task DeleteTag_RemovesIt_ThenMissingTagIsBare404()
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync("""{"tags": ["a", "b"]}""");
        using (var response = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/tags/a"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal("text/html; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
        }

        Assert.Equal(["b"], await TagsAsync(owner, imageId));
        using var again = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/tags/a");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("The resource could not be found.", await ErrorText.ExplanationAsync(again));
    }

    [Theory]
    [InlineData("PUT", "Image {0} not found.")]
    [InlineData("DELETE", "Image {0} not found.")]
    public async Task Tag_ImageMissingOrInvisible_Is404NamingIt(string method, string message)
    {
        var other = NewOwner();
        var privateId = await other.CreateImageIdAsync("""{"visibility": "private"}""");
        foreach (var imageId in new[] { "nope", privateId })
        {
            using var response = await NewOwner().SendAsync(new HttpMethod(method), $"v2/images/{imageId}/tags/x");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, imageId), await ErrorText.ExplanationAsync(response));
        }
    }

    [Theory]
    [InlineData("PUT", "Not allowed to update tags for image {0}.")]
    [InlineData("DELETE", "Not allowed to delete tags for image {0}.")]
    public async Task Tag_ByAnotherProjectOnPublicImage_Is403(string method, string message)
    {
        var imageId = await fixture.Store.Client(Caller.Admin).CreateImageIdAsync("""{"visibility": "public", "tags": ["x"]}""");
        using var response = await NewOwner().SendAsync(new HttpMethod(method), $"v2/images/{imageId}/tags/x");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, imageId), await ErrorText.ExplanationAsync(response));
        Assert.Equal(["x"], await TagsAsync(fixture.Store.Client(Caller.Admin), imageId));
    }

    [Fact]
    public async Task PutTag_LongerThan255_IsSchema400()
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync();
        var tag = new string('c', 256);
        using var response = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/tags/{tag}", accept: "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (string)System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!;
        Assert.Equal($"Provided object does not match schema 'image': '{tag}' is too long\n\nFailed validating 'maxLength' in schema['properties']['tags']['items']:\n"
            + $"    {{'maxLength': 255, 'type': 'string'}}\n\nOn instance['tags'][0]:\n    '{tag}'<br /><br />\n\n\n", message);
        using var ok = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/tags/{tag[..255]}");
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
    }

    [Fact]
    public async Task PutTag_Past128Tags_Is413AndUnchanged()
    {
        var owner = NewOwner();
        var tags = Enumerable.Range(0, 128).Select(i => "t" + i).ToList();
        var imageId = await owner.CreateImageIdAsync("{\"tags\": [" + string.Join(", ", tags.Select(t => $"\"{t}\"")) + "]}");

        using (var existing = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/tags/t5"))
        {
            Assert.Equal(HttpStatusCode.NoContent, existing.StatusCode);
        }

        using var response = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/tags/over");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal($"Image tag limit exceeded for image {imageId}: The limit has been exceeded on the number of allowed image tags. Attempted: 129, Maximum: 128:",
            await ErrorText.ExplanationAsync(response));
        Assert.Equal(tags, await TagsAsync(owner, imageId));
    }

    [Fact]
    public async Task CreateOrPatch_MoreThan128Tags_Is413CountingDuplicates()
    {
        var owner = NewOwner();
        var tags = "[" + string.Join(", ", Enumerable.Range(0, 129).Select(i => $"\"t{i % 100}\"")) + "]";
        using (var create = await owner.SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json("{\"tags\": " + tags + "}")))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, create.StatusCode);
            Assert.Equal("The limit has been exceeded on the number of allowed image tags. Attempted: 129, Maximum: 128", await ErrorText.ExplanationAsync(create));
        }

        var imageId = await owner.CreateImageIdAsync("""{"tags": ["keep"]}""");
        using var patch = await owner.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", StoreClient.Patch("[{\"op\": \"replace\", \"path\": \"/tags\", \"value\": " + tags + "}]"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, patch.StatusCode);
        Assert.Equal("The limit has been exceeded on the number of allowed image tags. Attempted: 129, Maximum: 128", await ErrorText.ExplanationAsync(patch));
        Assert.Equal(["keep"], await TagsAsync(owner, imageId));
    }

    [Fact]
    public async Task PutTag_WithBody_Is400_AndOtherMethodsAre405()
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync();
        using (var withBody = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/tags/x", StoreClient.Json("{}")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, withBody.StatusCode);
        }

        using var get = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/tags/x");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal("PUT, DELETE", get.Content.Headers.Allow.Count > 0 ? string.Join(", ", get.Content.Headers.Allow) : string.Join(", ", get.Headers.GetValues("Allow")));
    }

    [Fact]
    public async Task ConcurrentPuts_KeepEveryTag()
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/tags/c{i}")));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => "c" + i).Order(), (await TagsAsync(owner, imageId)).Order());
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class ImageTagsTests
{
    public sealed class Sqlite(StoreFixture fixture) : ImageTagsTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : ImageTagsTests(fixture), IClassFixture<PostgresStoreFixture>;
}
