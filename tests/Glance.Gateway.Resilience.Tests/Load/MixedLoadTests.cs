using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.Testing;
using Xunit.Abstractions;

namespace Glance.Gateway.Resilience.Tests.Load;

/// <summary>
/// 64 clients for 60 s against the gateway as a separate process (hosted store, WireMock
/// Keystone, real Redis): allowed deletes of fresh members, denied deletes, reads, unknown
/// tokens. Every answer must be the one Glance gives; afterwards every image still has exactly the
/// members it should; the gateway's resident memory at the end stays near where it was after warm-up.
/// </summary>
[Collection(LongRuns.Name)]
public sealed class MixedLoadTests(ITestOutputHelper output)
{
    private const int Clients = 64;
    private const int Images = 16;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);
    private static readonly string[] Kept = [Identities.MemberProject, Identities.OtherMemberProject];

    [Fact]
    public async Task MixedLoad_64ClientsFor60Seconds_No5xx_NoMemberLostOrLeftBehind_MemoryFlat()
    {
        await using var redis = await RedisServer.SharedOrNewAsync();
        using var keystone = new KeystoneStub();
        keystone.Server.SetMaxRequestLogCount(1000);
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        await using var gateway = await ProcessGateway.StartAsync(keystone, redis);
        var client = gateway.Client;
        var images = new List<string>();
        for (var i = 0; i < Images; i++)
        {
            var image = await GlanceApi.CreateImageAsync(client, ids.Owner, "shared");
            foreach (var member in Kept)
            {
                await GlanceApi.AddMemberAsync(client, ids.Owner, image, member);
            }

            images.Add(image);
        }

        var warm = await RunAsync(client, ids, images, WarmUp);
        var rssStart = gateway.Process.RssBytes;
        var run = await RunAsync(client, ids, images, Duration);
        var rssEnd = gateway.Process.RssBytes;
        var peak = gateway.Process.PeakRssBytes;

        var lost = 0;
        var leftBehind = 0;
        foreach (var image in images)
        {
            var members = await MembersAsync(client, ids.Admin, image);
            lost += Kept.Count(k => !members.Contains(k));
            leftBehind += members.Count(m => !Kept.Contains(m));
        }

        Figures.Report(output, "mixed-load",
            $"clients={Clients} duration={run.Elapsed.TotalSeconds:F1}s requests={run.Requests} ({run.Requests / run.Elapsed.TotalSeconds:F0}/s) " +
            $"5xx={run.ServerErrors} unexpected={run.Unexpected.Count} allowed-deletes={run.AllowedDeletes} denied-deletes={run.DeniedDeletes} reads={run.Reads} unknown-token={run.UnknownTokens} " +
            $"members-lost={lost} members-left-behind={leftBehind} rss-start={Figures.MiB(rssStart)} rss-end={Figures.MiB(rssEnd)} peak-rss={Figures.MiB(peak)} " +
            $"(warm-up {warm.Requests} requests in {warm.Elapsed.TotalSeconds:F1}s, 5xx={warm.ServerErrors})");
        Assert.True(gateway.Process.IsRunning);
        Assert.Equal(0, warm.ServerErrors + run.ServerErrors);
        Assert.True(warm.Unexpected.IsEmpty && run.Unexpected.IsEmpty, $"unexpected answers: {string.Join(" | ", warm.Unexpected.Concat(run.Unexpected).Take(10))}");
        Assert.Equal(0, lost);
        Assert.Equal(0, leftBehind);
        Assert.True(rssEnd <= rssStart + (100L << 20), $"RSS grew from {Figures.MiB(rssStart)} to {Figures.MiB(rssEnd)}");
    }

    private static async Task<Run> RunAsync(HttpClient client, Identities ids, List<string> images, TimeSpan duration)
    {
        var run = new Run();
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Clients).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (watch.Elapsed < duration)
            {
                var image = images[random.Next(images.Count)];
                var roll = random.Next(100);
                if (roll < 30)
                {
                    // Allowed: the owner (or admin) adds a fresh member and deletes it.
                    var fresh = $"fresh-{Guid.NewGuid():N}";
                    using var add = GlanceApi.Request(HttpMethod.Post, $"/v2/images/{image}/members", ids.Owner);
                    add.Content = new StringContent($"{{\"member\": \"{fresh}\"}}", Encoding.UTF8, "application/json");
                    if (await run.SendAsync(client, add, HttpStatusCode.OK))
                    {
                        var token = random.Next(2) == 0 ? ids.Owner : ids.Admin;
                        await run.SendAsync(client, GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{image}/members/{fresh}", token), HttpStatusCode.NoContent);
                        Interlocked.Increment(ref run.AllowedDeletes);
                    }
                }
                else if (roll < 55)
                {
                    // Denied: a member removing another member (403), a stranger (404), a bogus member (404).
                    var (token, member, status) = random.Next(3) switch
                    {
                        0 => (ids.Member, Identities.OtherMemberProject, HttpStatusCode.Forbidden),
                        1 => (ids.Stranger, Identities.MemberProject, HttpStatusCode.NotFound),
                        _ => (ids.Owner, "bogus-member", HttpStatusCode.NotFound),
                    };
                    await run.SendAsync(client, GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{image}/members/{member}", token), status);
                    Interlocked.Increment(ref run.DeniedDeletes);
                }
                else if (roll < 85)
                {
                    var path = random.Next(3) switch
                    {
                        0 => $"/v2/images/{image}",
                        1 => $"/v2/images/{image}/members",
                        _ => "/v2/images?limit=5",
                    };
                    await run.SendAsync(client, GlanceApi.Request(HttpMethod.Get, path, random.Next(2) == 0 ? ids.Owner : ids.Member), HttpStatusCode.OK);
                    Interlocked.Increment(ref run.Reads);
                }
                else
                {
                    var token = $"unknown-{random.Next(1000)}";
                    var request = random.Next(2) == 0
                        ? GlanceApi.Request(HttpMethod.Get, "/v2/images", token)
                        : GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{image}/members/{Identities.MemberProject}", token);
                    await run.SendAsync(client, request, HttpStatusCode.Unauthorized);
                    Interlocked.Increment(ref run.UnknownTokens);
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        run.Elapsed = watch.Elapsed;
        return run;
    }

    private static async Task<List<string>> MembersAsync(HttpClient client, string adminToken, string image)
    {
        using var response = await client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{image}/members", adminToken));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("member_id").GetString()!).ToList();
    }

    private sealed class Run
    {
        public long Requests;
        public int ServerErrors;
        public int AllowedDeletes;
        public int DeniedDeletes;
        public int Reads;
        public int UnknownTokens;

        public ConcurrentQueue<string> Unexpected { get; } = new();

        public TimeSpan Elapsed { get; set; }

        // Sends, checks the status, counts; true when the answer was the expected one.
        public async Task<bool> SendAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode expected)
        {
            using (request)
            {
                Interlocked.Increment(ref Requests);
                try
                {
                    using var response = await client.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    if ((int)response.StatusCode >= 500)
                    {
                        Interlocked.Increment(ref ServerErrors);
                    }

                    if (response.StatusCode != expected)
                    {
                        Unexpected.Enqueue($"{request.Method} {request.RequestUri}: {(int)response.StatusCode} (expected {(int)expected}) {body[..Math.Min(body.Length, 200)]}");
                        return false;
                    }

                    return true;
                }
                catch (HttpRequestException ex)
                {
                    Unexpected.Enqueue($"{request.Method} {request.RequestUri}: {ex.Message}");
                    return false;
                }
            }
        }
    }
}
