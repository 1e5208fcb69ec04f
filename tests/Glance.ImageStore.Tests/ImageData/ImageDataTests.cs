using System.Net.Http.Headers;
using System.Security.Cryptography;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.ImageData;

public abstract partial class ImageDataTests(StoreFixture fixture)
{
    internal static ByteArrayContent Octets(byte[] data)
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    [Fact]
    public async Task Upload_Data_RecordsChecksumsAndDownloadsTheSameBytes()
    {
        var owner = fixture.Store.Client(Caller.Project("data-" + Guid.NewGuid().ToString("N")));
        var imageId = await owner.CreateImageIdAsync("{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        var data = new byte[300 * 1024 + 7];
        new Random(42).NextBytes(data);

        using (var upload = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", Octets(data)))
        {
            Assert.Equal(204, (int)upload.StatusCode);
        }

        var image = (await owner.GetImageAsync(imageId))!;
        Assert.Equal("active", (string?)image["status"]);
        Assert.Equal(data.Length, (long)image["size"]!);
#pragma warning disable CA5351 // Glance's checksum attribute is md5 by definition; it is not used for security.
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), (string?)image["checksum"]);
#pragma warning restore CA5351
        Assert.Equal("sha512", (string?)image["os_hash_algo"]);
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(data)), (string?)image["os_hash_value"]);

        using var download = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file");
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType!.ToString());
        Assert.Equal(data, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Upload_Twice_SecondIs409AndDataUnchanged()
    {
        var owner = fixture.Store.Client(Caller.Project("data-" + Guid.NewGuid().ToString("N")));
        var imageId = await owner.CreateImageIdAsync();
        using (var first = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", Octets([1, 2, 3])))
        {
            Assert.Equal(204, (int)first.StatusCode);
        }

        using var second = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", Octets([4, 5]));
        Assert.Equal(409, (int)second.StatusCode);
        using var download = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file");
        Assert.Equal(new byte[] { 1, 2, 3 }, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Download_DeactivatedImage_Is403ForOwnerAndWorksForAdmin()
    {
        var owner = fixture.Store.Client(Caller.Project("data-" + Guid.NewGuid().ToString("N")));
        var admin = fixture.Store.Client(Caller.Admin);
        var imageId = await owner.CreateImageIdAsync();
        (await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", Octets([9]))).Dispose();
        (await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/actions/deactivate")).Dispose();
        Assert.Equal("deactivated", (string?)(await owner.GetImageAsync(imageId))!["status"]);

        using var refused = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file");
        Assert.Equal(403, (int)refused.StatusCode);
        using var allowed = await admin.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file");
        Assert.Equal(200, (int)allowed.StatusCode);

        (await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/actions/reactivate")).Dispose();
        Assert.Equal("active", (string?)(await owner.GetImageAsync(imageId))!["status"]);
    }

    [Fact]
    public async Task Upload_OverTheLimit_Is413AndImageStaysQueued()
    {
        await using var store = await StoreInstance.StartAsync(o => o.MaxImageBytes = 1000, engine: fixture.Engine);
        var owner = store.Client(Caller.Project("data-limit"));
        var imageId = await owner.CreateImageIdAsync();
        using var chunked = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", new StreamContent(new MemoryStream(new byte[5000]))
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") },
        }, configure: r => r.Headers.TransferEncodingChunked = true);
        Assert.Equal(413, (int)chunked.StatusCode);
        using var sized = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", Octets(new byte[1001]));
        Assert.Equal(413, (int)sized.StatusCode);
        var image = (await owner.GetImageAsync(imageId))!;
        Assert.Equal("queued", (string?)image["status"]);
        Assert.Null(image["size"]);
        Assert.Empty(Directory.GetFiles(Path.Combine(store.Options.DataPath, "images")));
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class ImageDataTests
{
    public sealed class Sqlite(StoreFixture fixture) : ImageDataTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : ImageDataTests(fixture), IClassFixture<PostgresStoreFixture>;
}
