using Glance.ImageStore.Tests.Support;
using static Glance.ImageStore.Tests.Cache.CacheTestKit;

namespace Glance.ImageStore.Tests.Cache;

/// <summary>
/// The cache off (the default; Glance without <c>image_cache_dir</c>): the routes still answer, as
/// Glance 25.1 did: the rule first (403 for a caller who is not admin), then 404 <c>Caching via
/// API is not supported at this site.</c>; downloads are neither cached nor chunked.
/// </summary>
public sealed class CacheOffTests(NoCacheStoreFixture fixture) : IClassFixture<NoCacheStoreFixture>
{
    private const string NotSupported = "Caching via API is not supported at this site.";

    private StoreClient Admin => fixture.Store.Client(Caller.Admin);

    [Theory]
    [InlineData("GET", "cache_list")]
    [InlineData("DELETE", "cache_delete")]
    public async Task Collection_ProjectMember_Is403First(string method, string rule)
    {
        using var response = await fixture.Store.Client(Caller.Project("cache-off")).SendAsync(new HttpMethod(method), "v2/cache");

        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal($"You are not authorized to complete {rule} action.", await ErrorText.ExplanationAsync(response));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task Collection_Admin_Is404NotSupported(string method)
    {
        using var response = await Admin.SendAsync(new HttpMethod(method), "v2/cache");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal(NotSupported, await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task Queue_ActiveImageByAdmin_Is404NotSupportedAndNothingIsWritten()
    {
        var (imageId, _) = await ActiveImageAsync(fixture.Store.Client(Caller.Project("cache-off")));

        using var response = await Admin.SendAsync(HttpMethod.Put, $"v2/cache/{imageId}");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal(NotSupported, await ErrorText.ExplanationAsync(response));
        Assert.False(Directory.Exists(fixture.CachePath));
    }

    [Fact]
    public async Task Queue_UnknownImage_Is404ImageNotFound()
    {
        using var response = await Admin.SendAsync(HttpMethod.Put, "v2/cache/nonexistent");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("Image nonexistent not found.", await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task DeleteEntry_UnknownImage_Is500AsGlance()
    {
        // Glance 25.1 asks its absent cache whether the id is queued: AttributeError, 500.
        using var response = await Admin.SendAsync(HttpMethod.Delete, "v2/cache/nonexistent");

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("The server has either erred or is incapable of performing the requested operation.", await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task DeleteEntry_ExistingImageByAdmin_Is404NotSupported()
    {
        var (imageId, _) = await ActiveImageAsync(fixture.Store.Client(Caller.Project("cache-off")));

        using var response = await Admin.SendAsync(HttpMethod.Delete, $"v2/cache/{imageId}");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal(NotSupported, await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task Download_HasContentLengthAndCachesNothing()
    {
        var owner = fixture.Store.Client(Caller.Project("cache-off"));
        var (imageId, data) = await ActiveImageAsync(owner);

        var download = await DownloadAsync(owner, imageId);

        Assert.Equal(data.Length, download.ContentLength);
        Assert.False(download.Chunked);
        Assert.False(Directory.Exists(fixture.CachePath));
    }

    [Fact]
    public async Task Versions_WithoutCache_ListV215AsCurrentAndRefuseV216()
    {
        using var http = new HttpClient();
        var document = await http.GetStringAsync(new Uri(fixture.Store.BaseUri, "versions"));
        using var v216 = await http.GetAsync(new Uri(fixture.Store.BaseUri, "v2.16/images"));

        Assert.StartsWith("{\"versions\": [{\"id\": \"v2.15\", \"status\": \"CURRENT\"", document, StringComparison.Ordinal);
        Assert.DoesNotContain("v2.16", document, StringComparison.Ordinal);
        Assert.DoesNotContain("v2.14", document, StringComparison.Ordinal);
        Assert.Equal(300, (int)v216.StatusCode);
    }
}
