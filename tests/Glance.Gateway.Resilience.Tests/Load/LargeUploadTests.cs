using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.Testing;
using Xunit.Abstractions;

namespace Glance.Gateway.Resilience.Tests.Load;

/// <summary>
/// A 1 GiB image streamed through the gateway (separate process, hosted store): the gateway never
/// holds it (peak RSS under 200 MiB) and the store's checksums are those of the bytes sent.
/// </summary>
[Collection(LongRuns.Name)]
public sealed class LargeUploadTests(ITestOutputHelper output)
{
    private const long Size = 1L << 30;

    [Fact]
    public async Task ImageUpload1GiB_StreamedThroughTheGateway_PeakRssUnder200MiB_ChecksumsMatch()
    {
        await using var redis = await RedisServer.SharedOrNewAsync();
        using var keystone = new KeystoneStub();
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        await using var gateway = await ProcessGateway.StartAsync(keystone, redis);
        var image = await GlanceApi.CreateImageAsync(gateway.Client, ids.Owner, "private");
        var startRss = gateway.Process.RssBytes;

        var content = new GeneratedContent(Size, seed: 20261127);
        using var request = GlanceApi.Request(HttpMethod.Put, $"/v2/images/{image}/file", ids.Owner);
        request.Content = content;
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var watch = Stopwatch.StartNew();
        using (var response = await gateway.Client.SendAsync(request))
        {
            Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"upload: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        watch.Stop();
        var peak = gateway.Process.PeakRssBytes;
        using var stored = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{image}", ids.Owner));
        var json = JsonDocument.Parse(await stored.Content.ReadAsStringAsync()).RootElement;

        Figures.Report(output, "upload",
            $"size={Size} bytes ({Size >> 20} MiB) duration={watch.Elapsed.TotalSeconds:F1}s ({Size / 1048576d / watch.Elapsed.TotalSeconds:F0} MiB/s) " +
            $"rss-before={Figures.MiB(startRss)} peak-rss={Figures.MiB(peak)} md5={content.Md5} stored-md5={json.GetProperty("checksum").GetString()}");
        Assert.Equal(Size, json.GetProperty("size").GetInt64());
        Assert.Equal("active", json.GetProperty("status").GetString());
        Assert.Equal(content.Md5, json.GetProperty("checksum").GetString());
        Assert.Equal("sha512", json.GetProperty("os_hash_algo").GetString());
        Assert.Equal(content.Sha512, json.GetProperty("os_hash_value").GetString());
        Assert.True(peak < 200L << 20, $"the gateway's peak RSS was {Figures.MiB(peak)}");
    }

    /// <summary>
    /// Pseudo-random bytes made while they are sent (64 KiB at a time, never the whole image),
    /// hashed (MD5, SHA-512) on the way.
    /// </summary>
    private sealed class GeneratedContent(long length, int seed) : HttpContent
    {
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private readonly IncrementalHash _sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);

        public string? Md5 { get; private set; }

        public string? Sha512 { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var random = new Random(seed);
            var buffer = new byte[64 * 1024];
            for (long sent = 0; sent < length; sent += buffer.Length)
            {
                var count = (int)Math.Min(buffer.Length, length - sent);
                random.NextBytes(buffer.AsSpan(0, count));
                _md5.AppendData(buffer, 0, count);
                _sha512.AppendData(buffer, 0, count);
                await stream.WriteAsync(buffer.AsMemory(0, count));
            }

            Md5 = Convert.ToHexStringLower(_md5.GetHashAndReset());
            Sha512 = Convert.ToHexStringLower(_sha512.GetHashAndReset());
        }

        protected override bool TryComputeLength(out long computed)
        {
            computed = length;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _md5.Dispose();
                _sha512.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
