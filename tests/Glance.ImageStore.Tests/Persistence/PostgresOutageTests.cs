using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Persistence;

/// <summary>
/// PostgreSQL stopped while requests flow, then started again: every request in between is
/// answered Glance's 503 (never a 500), no member whose add was answered 200 is lost, none is
/// there twice, and the store serves again without a restart. The cluster is this test's own.
/// </summary>
public sealed class PostgresOutageTests
{
    [Fact]
    public async Task PostgresStoppedUnderLoad_Answers503InGlancesFormat_LosesNothing_AndRecovers()
    {
        await using var cluster = await PostgresCluster.StartPrivateAsync();
        await using var store = await StoreInstance.StartAsync(engine: DatabaseProvider.PostgreSQL, cluster: cluster);
        var owner = store.Client(Caller.Project("outage-" + Guid.NewGuid().ToString("N")));
        var imageId = await owner.CreateImageIdAsync();

        var adds = new ConcurrentDictionary<string, int>();
        var deletes = new ConcurrentDictionary<string, int>();
        var unexpected = new ConcurrentQueue<string>();
        var next = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Even members are kept, odd ones deleted right after their add.
                var n = Interlocked.Increment(ref next);
                var member = "m" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                using (var add = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", StoreClient.Json($"{{\"member\": \"{member}\"}}")))
                {
                    adds[member] = (int)add.StatusCode;
                    if ((int)add.StatusCode is not (200 or 503))
                    {
                        unexpected.Enqueue($"add {member}: {(int)add.StatusCode} {await add.Content.ReadAsStringAsync()}");
                    }
                }

                if (n % 2 == 1 && adds[member] == 200)
                {
                    using var delete = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/members/{member}");
                    deletes[member] = (int)delete.StatusCode;
                    if ((int)delete.StatusCode is not (204 or 503))
                    {
                        unexpected.Enqueue($"delete {member}: {(int)delete.StatusCode} {await delete.Content.ReadAsStringAsync()}");
                    }
                }
            }
        })).ToArray();

        await Task.Delay(500);
        await cluster.StopAsync();
        await Task.Delay(1000);

        // While it is down: Glance's 503, in the format asked for.
        using (var down = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members", accept: "application/json"))
        {
            Assert.Equal(503, (int)down.StatusCode);
            Assert.Equal("application/json", down.Content.Headers.ContentType!.MediaType);
            var body = JsonNode.Parse(await down.Content.ReadAsStringAsync())!;
            Assert.Equal("503 Service Unavailable", (string?)body["code"]);
            Assert.StartsWith("The server is currently unavailable. Please try again at a later time.", (string?)body["message"]);
        }

        // The in-process reader a hosting gateway's pre-check uses says so too, with its own exception.
        await Assert.ThrowsAsync<Glance.ImageStore.Facts.ImageFactsUnavailableException>(() => store.FactsReader.ReadAsync(imageId, null, CancellationToken.None));

        await cluster.StartAgainAsync();
        var recovered = false;
        for (var attempt = 0; attempt < 200 && !recovered; attempt++)
        {
            using var probe = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members");
            recovered = probe.StatusCode == System.Net.HttpStatusCode.OK;
            if (!recovered)
            {
                Assert.Equal(503, (int)probe.StatusCode);
                await Task.Delay(100);
            }
        }

        Assert.True(recovered, "the store did not serve again after PostgreSQL came back");
        Assert.NotNull((await store.FactsReader.ReadAsync(imageId, null, CancellationToken.None)).Image);
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.True(unexpected.IsEmpty, string.Join('\n', unexpected));
        Assert.Contains(adds.Values, s => s == 503);
        Assert.Contains(adds.Values, s => s == 200);

        var members = await owner.MemberIdsAsync(imageId);
        Assert.Equal(members.Count, members.Distinct().Count());
        foreach (var (member, status) in adds)
        {
            var number = int.Parse(member.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            if (status == 200 && number % 2 == 0)
            {
                Assert.Contains(member, members);
            }

            if (deletes.TryGetValue(member, out var deleted) && deleted == 204)
            {
                Assert.DoesNotContain(member, members);
            }

            if (status == 503)
            {
                // Retried once the database is back: added now, or there already (the commit
                // landed before the connection broke), never twice.
                using var retry = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", StoreClient.Json($"{{\"member\": \"{member}\"}}"));
                Assert.True((int)retry.StatusCode is 200 or 409, $"retry {member}: {(int)retry.StatusCode}");
            }
        }

        var after = await owner.MemberIdsAsync(imageId);
        Assert.Equal(after.Count, after.Distinct().Count());
    }
}
