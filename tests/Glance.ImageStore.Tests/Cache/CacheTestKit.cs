using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Cache;

/// <summary>Steps the cache tests share: an active image with data, the cache listing, waiting for the prefetcher.</summary>
internal static class CacheTestKit
{
    public static async Task<(string Id, byte[] Data)> ActiveImageAsync(StoreClient owner, int size = 3000)
    {
        var imageId = await owner.CreateImageIdAsync("{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        var data = new byte[size];
        Random.Shared.NextBytes(data);
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var upload = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", content);
        Assert.Equal(204, (int)upload.StatusCode);
        return (imageId, data);
    }

    /// <summary>GET /v2/cache as <paramref name="admin"/>; fails unless 200.</summary>
    public static async Task<JsonObject> ListAsync(StoreClient admin)
    {
        using var response = await admin.SendAsync(HttpMethod.Get, "v2/cache");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(200 == (int)response.StatusCode, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public static JsonObject? CachedEntry(JsonObject listing, string imageId) =>
        listing["cached_images"]!.AsArray().Select(e => e!.AsObject()).FirstOrDefault(e => (string?)e["image_id"] == imageId);

    public static bool IsQueued(JsonObject listing, string imageId) =>
        listing["queued_images"]!.AsArray().Any(e => (string?)e == imageId);

    /// <summary>Polls the listing until <paramref name="imageId"/> is cached (10 s at most).</summary>
    public static async Task<JsonObject> WaitUntilCachedAsync(StoreClient admin, string imageId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var listing = await ListAsync(admin);
            if (CachedEntry(listing, imageId) is not null || DateTime.UtcNow > deadline)
            {
                return listing;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Reads the whole image data, as a client would; returns the status, the Content-Length header
    /// as sent (read before the body, which would let HttpClient compute one) and whether it came chunked.
    /// </summary>
    public static async Task<Download> DownloadAsync(StoreClient client, string imageId)
    {
        using var response = await client.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file");
        var length = response.Content.Headers.TryGetValues("Content-Length", out var values) ? long.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture) : (long?)null;
        var chunked = response.Headers.TransferEncodingChunked == true;
        var md5 = response.Content.Headers.TryGetValues("Content-MD5", out var sums) ? sums.Single() : null;
        var body = await response.Content.ReadAsByteArrayAsync();
        return new Download((int)response.StatusCode, length, chunked, md5, body);
    }

    public sealed record Download(int Status, long? ContentLength, bool Chunked, string? ContentMd5, byte[] Body);

    /// <summary>An empty queue file, as another replica (or a store before a restart) leaves it.</summary>
    public static void WriteQueueFile(string cachePath, string imageId) => File.WriteAllBytes(Path.Combine(cachePath, "queue", imageId), []);

}
