using System.Net;
using Glance.Gateway.Resilience.Tests.Load;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.ImageStore.Tests.Support;
using Glance.Testing;
using Xunit.Abstractions;

namespace Glance.Gateway.Resilience.Tests.Replicas;

/// <summary>
/// Two gateway processes hosting stores on one PostgreSQL database, one Redis and one data folder
/// behave as one service: races over both are decided once, by the database; what one writes the
/// other reads at once; both stopped and started keep everything.
/// </summary>
[Collection(LongRuns.Name)]
public sealed class PostgresReplicaGatewayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TwoGateways_RacesOverBoth_AreDecidedOnce_AndEachReadsTheOthersWrites()
    {
        await using var replicas = await Replicas.StartAsync();
        var (a, b, ids) = (replicas.A, replicas.B, replicas.Ids);

        // Both stores are on PostgreSQL (no SQLite file in the shared folder), and of the two
        // that migrated the empty database together, one applied the schema and the other nothing.
        Assert.False(File.Exists(Path.Combine(replicas.DataPath, "glance.db")));
        Assert.Equal(1, new[] { a, b }.Count(g => g.AppLog().Contains("schema version 1 applied", StringComparison.Ordinal)));
        var image = await GlanceApi.CreateImageAsync(a.Client, ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(b.Client, ids.Owner, image, Identities.MemberProject);
        foreach (var gateway in new[] { a, b })
        {
            foreach (var token in new[] { ids.Owner, ids.Admin })
            {
                (await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token))).Dispose();
            }
        }

        // 64 DELETEs of one member, half through each replica: one 204, 63 404s, one audit event answered 204.
        var deletes = await AllAtOnceAsync(64, i => GlanceApi.DeleteMemberAsync((i % 4 < 2 ? a : b).Client, i % 2 == 0 ? ids.Owner : ids.Admin, image, Identities.MemberProject));
        var events = await AuditEventsAsync(64, a, b);
        Figures.Report(output, "replicas-race-64", $"204={deletes.Count(s => s == 204)} 404={deletes.Count(s => s == 404)} audit-events={events.Count} allow-204={events.Count(e => e.Get("Decision") == "allow" && e.Number("BackendStatus") == 204)}");
        Assert.Equal(1, deletes.Count(s => s == 204));
        Assert.Equal(63, deletes.Count(s => s == 404));
        Assert.Equal(64, events.Count);
        Assert.Single(events, e => e.Number("BackendStatus") == 204 && e.Number("Status") == 204);
        Assert.False(await GlanceApi.MemberExistsAsync(b.Client, ids.Admin, image, Identities.MemberProject));

        // 32 adds of one member over both: one 200, the rest 409.
        var adds = await AllAtOnceAsync(32, i =>
        {
            var request = GlanceApi.Request(HttpMethod.Post, $"/v2/images/{image}/members", ids.Owner);
            request.Content = new StringContent($"{{\"member\": \"{Identities.OtherMemberProject}\"}}", System.Text.Encoding.UTF8, "application/json");
            return (i % 2 == 0 ? a : b).Client.SendAsync(request);
        });
        Assert.Equal(1, adds.Count(s => s == 200));
        Assert.Equal(31, adds.Count(s => s == 409));

        // Added through one, deleted through the other, gone for both.
        await GlanceApi.AddMemberAsync(a.Client, ids.Owner, image, Identities.StrangerProject);
        Assert.Contains(Identities.StrangerProject, await GlanceApi.MembersAsync(b.Client, ids.Owner, image));
        using (var delete = await GlanceApi.DeleteMemberAsync(b.Client, ids.Owner, image, Identities.StrangerProject))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.DoesNotContain(Identities.StrangerProject, await GlanceApi.MembersAsync(a.Client, ids.Owner, image));
        Assert.Equal([Identities.OtherMemberProject], await GlanceApi.MembersAsync(a.Client, ids.Owner, image));
    }

    [Fact]
    public async Task TwoGateways_StoppedAndStarted_KeepEveryImageMemberAndFile()
    {
        var replicas = await Replicas.StartAsync();
        string image;
        string before;
        try
        {
            image = await GlanceApi.CreateImageAsync(replicas.A.Client, replicas.Ids.Owner, "shared");
            await GlanceApi.UploadAsync(replicas.B.Client, replicas.Ids.Owner, image);
            await GlanceApi.AddMemberAsync(replicas.A.Client, replicas.Ids.Owner, image, Identities.MemberProject);
            using var read = await GlanceApi.GetAsync(replicas.B.Client, $"/v2/images/{image}", replicas.Ids.Owner);
            before = await read.Content.ReadAsStringAsync();
        }
        finally
        {
            await replicas.StopGatewaysAsync();
        }

        await using var again = await replicas.StartAgainAsync();
        foreach (var gateway in new[] { again.A, again.B })
        {
            using var read = await GlanceApi.GetAsync(gateway.Client, $"/v2/images/{image}", again.Ids.Owner);
            Assert.Equal(before, await read.Content.ReadAsStringAsync());
            Assert.Equal([Identities.MemberProject], await GlanceApi.MembersAsync(gateway.Client, again.Ids.Owner, image));
            using var download = await GlanceApi.GetAsync(gateway.Client, $"/v2/images/{image}/file", again.Ids.Owner);
            Assert.Equal("image-bytes"u8.ToArray(), await download.Content.ReadAsByteArrayAsync());
        }
    }

    private static async Task<int[]> AllAtOnceAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            using var response = await send(i);
            return (int)response.StatusCode;
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(racers);
    }

    // The member-DELETE audit events of both processes, once they hold the expected number (they write asynchronously).
    private static async Task<List<AuditEvent>> AuditEventsAsync(int expected, params ProcessGateway[] gateways)
    {
        List<AuditEvent> events = [];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            events = [.. gateways.SelectMany(g => File.Exists(g.AuditPath) ? AuditEvent.ReadAll(g.AuditPath) : []).Where(e => e.Get("Operation") == "delete_member")];
            if (events.Count >= expected)
            {
                break;
            }

            await Task.Delay(100);
        }

        return events;
    }

    /// <summary>Two gateway processes on one Keystone stub, one Redis, one PostgreSQL database and one data folder.</summary>
    private sealed class Replicas : IAsyncDisposable
    {
        private readonly RedisServer _redis;
        private readonly KeystoneStub _keystone;
        private readonly Dictionary<string, string?> _settings;
        private readonly PostgresCluster _cluster;
        private readonly string _connectionString;
        private readonly string _data;
        private bool _owner = true;

        private Replicas(RedisServer redis, KeystoneStub keystone, Identities ids, PostgresCluster cluster, string connectionString, string data)
        {
            _redis = redis;
            _keystone = keystone;
            Ids = ids;
            _cluster = cluster;
            _connectionString = connectionString;
            _data = data;
            _settings = new()
            {
                ["ImageStore:Database:Provider"] = "PostgreSQL",
                ["ImageStore:Database:ConnectionString"] = connectionString,
                ["ImageStore:DataPath"] = data,
            };
        }

        public Identities Ids { get; }

        public string DataPath => _data;

        public ProcessGateway A { get; private set; } = null!;

        public ProcessGateway B { get; private set; } = null!;

        public static async Task<Replicas> StartAsync()
        {
            var redis = await RedisServer.SharedOrNewAsync();
            var keystone = new KeystoneStub();
            var ids = new Identities();
            keystone.AddStandardTokens(ids);
            var cluster = await PostgresCluster.SharedAsync();
            var replicas = new Replicas(redis, keystone, ids, cluster, await cluster.CreateDatabaseAsync(), Directory.CreateTempSubdirectory("glance-replicas-data-").FullName);
            await replicas.StartGatewaysAsync();
            return replicas;
        }

        // The same service again: the first instance hands its resources over.
        public async Task<Replicas> StartAgainAsync()
        {
            var again = new Replicas(_redis, _keystone, Ids, _cluster, _connectionString, _data);
            _owner = false;
            await again.StartGatewaysAsync();
            return again;
        }

        public async Task StopGatewaysAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await StopGatewaysAsync();
            if (_owner)
            {
                _keystone.Dispose();
                await _redis.DisposeAsync();
                await _cluster.DropDatabaseAsync(_connectionString);
                Directory.Delete(_data, recursive: true);
            }
        }

        // Both at once: their stores migrate the same database together at start-up.
        private async Task StartGatewaysAsync()
        {
            var a = ProcessGateway.StartAsync(_keystone, _redis, _settings);
            var b = ProcessGateway.StartAsync(_keystone, _redis, _settings);
            A = await a;
            B = await b;
        }
    }
}
