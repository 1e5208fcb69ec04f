using Glance.ImageStore.Tests.Support;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Tests.Discovery;

/// <summary>
/// <c>/v2/info/*</c> as Glance 25.1 configured by tests/glance/glance.sh answers (one store, no
/// keystone limits), byte for byte, and the import methods setting.
/// </summary>
public sealed class DiscoveryTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private StoreClient Client => fixture.Store.Client(Caller.Project("discovery"));

    [Fact]
    public async Task InfoImport_Default_GlanceDirectAndWebDownload()
    {
        using var response = await Client.SendAsync(HttpMethod.Get, "v2/info/import");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("{\"import-methods\": {\"description\": \"Import methods available.\", \"type\": \"array\", \"value\": [\"glance-direct\", \"web-download\"]}}",
            await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("info/stores")]
    [InlineData("info/stores/detail")]
    public async Task InfoStores_OneStore_GlancesMultiBackend404(string path)
    {
        using var response = await Client.SendAsync(HttpMethod.Get, "v2/" + path, accept: "*/*");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal(
            "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  Multi backend is not supported at this site.<br /><br />\n\n\n\n </body>\n</html>",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task InfoUsage_NoKeystoneLimits_EmptyUsage()
    {
        using var response = await Client.SendAsync(HttpMethod.Get, "v2/info/usage");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("{\"usage\": {}}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Methods_WebDownloadOnly_OfferedAndStageIsGlances404()
    {
        await using var store = await StoreInstance.StartAsync(o => o.Import.Methods = "web-download");
        var client = store.Client(Caller.Project("discovery-web"));
        using (var info = await client.SendAsync(HttpMethod.Get, "v2/info/import"))
        {
            Assert.Contains("\"value\": [\"web-download\"]", await info.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var imageId = await client.CreateImageIdAsync();
        using var stage = await client.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/stage", Import.ImportTestKit.Octets([1]), accept: "text/plain");
        Assert.Equal(404, (int)stage.StatusCode);
        Assert.Equal("'glance-direct' method is not available at this site.", await ErrorText.ExplanationAsync(stage));
    }

    [Theory]
    [InlineData("copy-image", null, "ImageStore:Import:Methods names 'copy-image'")]
    [InlineData("glance-direct", "80,http", "ImageStore:Import:Filtering port 'http'")]
    public void Build_WrongImportSetting_StopsWithOneLine(string methods, string? ports, string expected)
    {
        var options = new ImageStoreOptions { Url = "http://127.0.0.1:0", DataPath = Path.Combine(Path.GetTempPath(), "glance-store-tests", Guid.NewGuid().ToString("N")) };
        options.Import.Methods = methods;
        if (ports is not null)
        {
            options.Import.Filtering.AllowedPorts = ports;
        }

        var exception = Assert.Throws<OptionsValidationException>(() => ImageStoreApplication.Build(options));
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }
}
