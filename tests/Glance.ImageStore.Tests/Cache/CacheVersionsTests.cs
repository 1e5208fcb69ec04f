using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Cache;

/// <summary>
/// With the cache on, the versions document and the version negotiation are Glance 25.1's with
/// <c>image_cache_dir</c> set: v2.16 CURRENT, v2.15 and v2.14 SUPPORTED (the document below is the
/// one that Glance answered, its host replaced).
/// </summary>
public sealed class CacheVersionsTests(CacheStoreFixture fixture) : IClassFixture<CacheStoreFixture>
{
    private static readonly string[] GlanceIds =
        ["v2.16", "v2.15", "v2.14", "v2.9", "v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0"];

    private static string GlanceDocument(Uri baseUri)
    {
        var href = baseUri.ToString().TrimEnd('/') + "/v2/";
        var entries = GlanceIds.Select((id, i) =>
            $"{{\"id\": \"{id}\", \"status\": \"{(i == 0 ? "CURRENT" : "SUPPORTED")}\", \"links\": [{{\"rel\": \"self\", \"href\": \"{href}\"}}]}}");
        return "{\"versions\": [" + string.Join(", ", entries) + "]}";
    }

    [Fact]
    public async Task Versions_WithCache_IsGlancesDocument()
    {
        using var http = new HttpClient();
        using var explicitRequest = await http.GetAsync(new Uri(fixture.Store.BaseUri, "versions"));
        using var root = await http.GetAsync(fixture.Store.BaseUri);

        Assert.Equal(200, (int)explicitRequest.StatusCode);
        Assert.Equal(GlanceDocument(fixture.Store.BaseUri), await explicitRequest.Content.ReadAsStringAsync());
        Assert.Equal(300, (int)root.StatusCode);
        Assert.Equal(GlanceDocument(fixture.Store.BaseUri), await root.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("v2.16/cache")]
    [InlineData("v2.14/cache")]
    [InlineData("v2.16/images")]
    public async Task Negotiation_CacheVersions_AreAccepted(string path)
    {
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Get, path);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Negotiation_MediaTypeV216_IsAccepted()
    {
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Get, "cache", accept: "application/vnd.openstack.images-v2.16");

        Assert.Equal(200, (int)response.StatusCode);
    }
}
