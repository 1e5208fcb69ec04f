using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Tests.Hosting;

public sealed class ImageStoreApplicationTests
{
    [Fact]
    public async Task Build_PortZero_UrlsGiveTheBoundPort()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "glance-store-" + Guid.NewGuid().ToString("N"));
        await using var app = ImageStoreApplication.Build(new ImageStoreOptions { Url = "http://127.0.0.1:0", DataPath = dataPath });
        await app.StartAsync();
        try
        {
            var url = Assert.Single(app.Urls);
            var uri = new Uri(url);
            Assert.Equal("127.0.0.1", uri.Host);
            Assert.NotEqual(0, uri.Port);
            using var client = new HttpClient();
            using var response = await client.GetAsync(new Uri(uri, "/v2/images"));
            Assert.Equal(401, (int)response.StatusCode);
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(dataPath, recursive: true);
        }
    }

    [Theory]
    [InlineData("http://0.0.0.0:9191")]
    [InlineData("http://10.1.2.3:9191")]
    [InlineData("http://example.com:9191")]
    [InlineData("https://127.0.0.1:9191")]
    [InlineData("not a url")]
    public void Build_NonLoopbackUrl_ThrowsOneClearMessage(string url)
    {
        var exception = Assert.Throws<OptionsValidationException>(() =>
            ImageStoreApplication.Build(new ImageStoreOptions { Url = url, DataPath = Path.GetTempPath() }));
        var failure = Assert.Single(exception.Failures);
        Assert.Contains("ImageStore:Url", failure, StringComparison.Ordinal);
        Assert.Contains(url, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_PostgreSqlWithoutConnectionString_ThrowsOneClearMessage()
    {
        var options = new ImageStoreOptions { Url = "http://127.0.0.1:0", DataPath = Path.GetTempPath() };
        options.Database.Provider = DatabaseProvider.PostgreSQL;

        var exception = Assert.Throws<OptionsValidationException>(() => ImageStoreApplication.Build(options));

        Assert.Contains("ImageStore:Database:Provider PostgreSQL needs a connection string", Assert.Single(exception.Failures));
    }

    [Fact]
    public void Build_PostgreSqlNotReachable_StopsWithOneClearMessage()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "glance-store-" + Guid.NewGuid().ToString("N"));
        var options = new ImageStoreOptions { Url = "http://127.0.0.1:0", DataPath = dataPath };
        options.Database.Provider = DatabaseProvider.PostgreSQL;
        options.Database.ConnectionString = $"Host=127.0.0.1;Port={Glance.Testing.FreePort.Next()};Username=nobody;Timeout=2";
        try
        {
            var exception = Assert.Throws<InvalidOperationException>(() => ImageStoreApplication.Build(options));
            Assert.StartsWith("The store could not migrate its PostgreSQL database 127.0.0.1:", exception.Message);
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }
}
