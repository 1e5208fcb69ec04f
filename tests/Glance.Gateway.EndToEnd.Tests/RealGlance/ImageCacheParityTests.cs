using System.Text.RegularExpressions;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// A real Glance 25.1 with an image cache (<c>GLANCE_IMAGE_CACHE=1</c>: image_cache_dir, flavor
/// keystone+caching, legacy mode) and a gateway hosting its store with <c>ImageStore:ImageCache:Enabled</c>,
/// both behind the suite's Keystone, started once for <see cref="ImageCacheParityTests"/>.
/// </summary>
public sealed class CacheGlanceAndGatewayFixture : IAsyncLifetime
{
    public GlanceServer? Glance { get; private set; }

    public GatewayHost? Gateway { get; private set; }

    public RealTokens? Tokens { get; private set; }

    private RedisServer? _redis;

    /// <summary>Starts both on first use (the class's tests run one after another).</summary>
    public async Task StartAsync(KeystoneServer keystone)
    {
        if (Gateway is not null)
        {
            return;
        }

        Tokens = await RealTokens.IssueAsync(keystone);
        Glance = await GlanceServer.StartAsync(keystone, GlanceRbac.Legacy, imageCache: true);
        _redis = await RedisServer.SharedOrNewAsync();
        Gateway = await EndToEndGateway.StartAsync(keystone, _redis, new Dictionary<string, string?> { ["ImageStore:ImageCache:Enabled"] = "true" });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        if (Glance is not null)
        {
            await Glance.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}

/// <summary>
/// The cache API and cached downloads, one scenario run against the real Glance with a cache and
/// against the gateway's hosted store with a cache, with the same real tokens; each step's status,
/// Content-Type, whether a Content-Length was sent (a miss is chunked in both) and body are compared,
/// with the image ids, the addresses and the timestamps read as placeholders.
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed partial class ImageCacheParityTests(KeystoneFixture keystoneFixture, CacheGlanceAndGatewayFixture fixture) : IClassFixture<CacheGlanceAndGatewayFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.StartAsync(keystoneFixture.Keystone);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CacheScenario_GatewayWithCache_AnswersAsGlanceWithCache()
    {
        using var glance = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(fixture.Glance!.Url) };
        var expected = await RunAsync(glance);
        var actual = await RunAsync(fixture.Gateway!.Client);

        // The premise: Glance really has a cache, the image was cached, a hit counted, a miss came chunked.
        Assert.Contains(expected, s => s.StartsWith("queue: 202", StringComparison.Ordinal));
        Assert.Contains(expected, s => s.StartsWith("list cached: 200", StringComparison.Ordinal) && s.Contains("\"image_id\": \"IMAGE\", \"hits\": 0", StringComparison.Ordinal));
        Assert.Contains(expected, s => s.StartsWith("list after the hit: 200", StringComparison.Ordinal) && s.Contains("\"hits\": 1", StringComparison.Ordinal));
        Assert.Contains(expected, s => s.StartsWith("download, a miss: 200 application/octet-stream no length", StringComparison.Ordinal));
        Assert.Contains(expected, s => s.StartsWith("versions: 200", StringComparison.Ordinal) && s.Contains("v2.16", StringComparison.Ordinal));
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    private async Task<List<string>> RunAsync(HttpClient client)
    {
        var tokens = fixture.Tokens!;
        var steps = new List<string>();
        await SendAsync(client, HttpMethod.Delete, "/v2/cache", tokens.Admin);
        var imageId = await CreateActiveImageAsync(client, tokens.Owner);
        var queuedId = await CreateImageAsync(client, tokens.Owner, "{\"name\": \"cache-parity-queued\"}");
        var normalise = (string text) => Timestamp().Replace(
            text.Replace(imageId, "IMAGE", StringComparison.Ordinal).Replace(queuedId, "QUEUED", StringComparison.Ordinal)
                .Replace(client.BaseAddress!.ToString().TrimEnd('/'), "BASE", StringComparison.Ordinal), "TIME");

        async Task Step(string name, HttpMethod method, string path, string token, string? accept = null, string? target = null)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
            if (accept is not null)
            {
                request.Headers.TryAddWithoutValidation("Accept", accept);
            }

            if (target is not null)
            {
                request.Headers.TryAddWithoutValidation("x-image-cache-clear-target", target);
            }

            using var response = await client.SendAsync(request);
            var length = response.Content.Headers.TryGetValues("Content-Length", out var values) && values.Single() != "0" ? "length" : "no length";
            var body = await response.Content.ReadAsStringAsync();
            steps.Add($"{name}: {(int)response.StatusCode} {response.Content.Headers.ContentType} {length}\n{normalise(body)}");
        }

        foreach (var accept in new[] { "*/*", "application/json" })
        {
            await Step("list as owner", HttpMethod.Get, "/v2/cache", tokens.Owner, accept);
            await Step("clear as owner", HttpMethod.Delete, "/v2/cache", tokens.Owner, accept);
            await Step("queue as owner", HttpMethod.Put, $"/v2/cache/{imageId}", tokens.Owner, accept);
            await Step("queue as stranger", HttpMethod.Put, $"/v2/cache/{imageId}", tokens.Stranger, accept);
            await Step("delete as owner", HttpMethod.Delete, $"/v2/cache/{imageId}", tokens.Owner, accept);
            await Step("queue unknown", HttpMethod.Put, "/v2/cache/non-existing-image-id", tokens.Admin, accept);
            await Step("delete unknown", HttpMethod.Delete, "/v2/cache/non-existing-image-id", tokens.Admin, accept);
            await Step("queue a queued image", HttpMethod.Put, $"/v2/cache/{queuedId}", tokens.Admin, accept);
            await Step("clear a bad target", HttpMethod.Delete, "/v2/cache", tokens.Admin, accept, "bogus");
        }

        await Step("list empty", HttpMethod.Get, "/v2/cache", tokens.Admin);
        await Step("queue", HttpMethod.Put, $"/v2/cache/{imageId}", tokens.Admin);
        await WaitUntilCachedAsync(client, tokens.Admin, imageId);
        await Step("list cached", HttpMethod.Get, "/v2/cache", tokens.Admin);
        await Step("download, a hit", HttpMethod.Get, $"/v2/images/{imageId}/file", tokens.Owner);
        await Step("list after the hit", HttpMethod.Get, "/v2/cache", tokens.Admin);
        await Step("clear the cache", HttpMethod.Delete, "/v2/cache", tokens.Admin, target: "cache");
        await Step("download, a miss", HttpMethod.Get, $"/v2/images/{imageId}/file", tokens.Owner);
        await Step("list after the miss", HttpMethod.Get, "/v2/cache", tokens.Admin);
        await Step("delete the entry", HttpMethod.Delete, $"/v2/cache/{imageId}", tokens.Admin);
        await Step("clear the queue", HttpMethod.Delete, "/v2/cache", tokens.Admin, target: "Queue");
        await Step("list at the end", HttpMethod.Get, "/v2/cache", tokens.Admin);
        await Step("versions", HttpMethod.Get, "/versions", tokens.Admin);
        return steps;
    }

    private static async Task WaitUntilCachedAsync(HttpClient client, string token, string imageId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await SendAsync(client, HttpMethod.Get, "/v2/cache", token);
            var body = await response.Content.ReadAsStringAsync();
            if (body.Contains("\"image_id\": \"" + imageId + "\"", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{client.BaseAddress}: image {imageId} was not cached within 30 s");
    }

    private static async Task<string> CreateActiveImageAsync(HttpClient client, string token)
    {
        var imageId = await CreateImageAsync(client, token, "{\"name\": \"cache-parity\", \"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        using var upload = new HttpRequestMessage(HttpMethod.Put, $"/v2/images/{imageId}/file") { Content = new ByteArrayContent([.. Enumerable.Range(0, 3000).Select(i => (byte)(i * 7))]) };
        upload.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        upload.Headers.TryAddWithoutValidation("X-Auth-Token", token);
        using var response = await client.SendAsync(upload);
        Assert.Equal(204, (int)response.StatusCode);
        return imageId;
    }

    private static async Task<string> CreateImageAsync(HttpClient client, string token, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/images") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(201 == (int)response.StatusCode, body);
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
        return client.SendAsync(request);
    }

    // time.time() values in the listing.
    [GeneratedRegex("[0-9]{10}\\.[0-9]+")]
    private static partial Regex Timestamp();
}
