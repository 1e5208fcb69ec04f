using System.Security.Cryptography;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Tests.ImageData;
using Glance.ImageStore.Tests.Support;
using Npgsql;

namespace Glance.ImageStore.Tests.Persistence;

/// <summary>
/// The race guarantees across replicas: two stores (each its own Kestrel and its own connection
/// pool, as two processes would have) on one PostgreSQL database and one data folder. Only the
/// database orders them, so what holds here holds between machines.
/// </summary>
public sealed class PostgresReplicaTests : IAsyncLifetime
{
    private StoreInstance _first = null!;
    private StoreInstance _second = null!;

    public async Task InitializeAsync()
    {
        _first = await StoreInstance.StartAsync(engine: DatabaseProvider.PostgreSQL);
        _second = await _first.StartReplicaAsync();
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    private (StoreClient First, StoreClient Second) Owner(string prefix)
    {
        var caller = Caller.Project(prefix + "-" + Guid.NewGuid().ToString("N"));
        return (_first.Client(caller), _second.Client(caller));
    }

    [Fact]
    public async Task DeleteMember_64ConcurrentOverTwoReplicas_One204And63Are404()
    {
        var (first, second) = Owner("race-delete");
        var imageId = await first.CreateImageIdAsync();
        await second.AddMemberAsync(imageId, "m1");

        var statuses = await AllAtOnceAsync(64, i => (i % 2 == 0 ? first : second).SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/members/m1"));

        Assert.Equal(1, statuses.Count(s => s == 204));
        Assert.Equal(63, statuses.Count(s => s == 404));
        Assert.Empty(await first.MemberIdsAsync(imageId));
        Assert.Empty(await second.MemberIdsAsync(imageId));
    }

    [Fact]
    public async Task AddMember_32ConcurrentOverTwoReplicas_One200OthersAre409AndOneRow()
    {
        var (first, second) = Owner("race-add");
        var imageId = await first.CreateImageIdAsync();

        var statuses = await AllAtOnceAsync(32, i => (i % 2 == 0 ? first : second).SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", StoreClient.Json("{\"member\": \"m1\"}")));

        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.Equal(31, statuses.Count(s => s == 409));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM image_members WHERE image_id = @id", imageId));
    }

    [Fact]
    public async Task ImageDeleteAndMemberAdd_RacingOnTwoReplicas_LeaveNoMemberOfTheDeletedImage()
    {
        var (first, second) = Owner("race-image-delete");
        for (var round = 0; round < 30; round++)
        {
            var imageId = await first.CreateImageIdAsync();
            var statuses = await AllAtOnceAsync(2, i => i == 0
                ? first.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}")
                : second.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", StoreClient.Json("{\"member\": \"m1\"}")));

            Assert.Contains(statuses, s => s == 204);
            Assert.True(statuses.Count(s => s is 200 or 404) == 1, $"round {round}: {string.Join(", ", statuses)}");
            Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM image_members WHERE image_id = @id", imageId));
            Assert.Null(await second.GetImageAsync(imageId));
        }
    }

    [Fact]
    public async Task DeleteMember_ImageMadePrivateByAnUncommittedTransaction_WaitsThenRemovesNothing()
    {
        var (first, _) = Owner("race-stale");
        var imageId = await first.CreateImageIdAsync();
        await first.AddMemberAsync(imageId, "m1");
        var owner = (string)(await first.GetImageAsync(imageId))!["owner"]!;
        await using var database = _second.OpenDatabase();
        var members = new MemberRepository(database.Database);

        // Another replica's PATCH, between its UPDATE and its COMMIT.
        await using var patch = new NpgsqlConnection(_first.Options.Database.ConnectionString);
        await patch.OpenAsync();
        await using var transaction = await patch.BeginTransactionAsync();
        await using (var update = new NpgsqlCommand("UPDATE images SET visibility = 'private' WHERE id = @id", patch, transaction))
        {
            update.Parameters.AddWithValue("id", imageId);
            await update.ExecuteNonQueryAsync();
        }

        var delete = members.DeleteAsync(imageId, "m1", "shared", owner, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(delete.IsCompleted, "the member delete must wait for the image row");
        await transaction.CommitAsync();

        Assert.False(await delete);
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM image_members WHERE image_id = @id", imageId));
        Assert.True(await members.DeleteAsync(imageId, "m1", "private", owner, CancellationToken.None));
    }

    [Fact]
    public async Task Upload_TwoReplicasAtOnce_OneWinsAndEitherServesItsBytes()
    {
        var (first, second) = Owner("race-upload");
        var imageId = await first.CreateImageIdAsync();
        var data = new[] { new byte[256 * 1024], new byte[256 * 1024 + 1] };
        new Random(1).NextBytes(data[0]);
        new Random(2).NextBytes(data[1]);

        var statuses = await AllAtOnceAsync(2, i => (i == 0 ? first : second).SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", ImageDataTests.Octets(data[i])));

        Assert.Equal([204, 409], statuses.Order());
        var winner = data[Array.IndexOf(statuses, 204)];
        foreach (var client in new[] { first, second })
        {
            using var download = await client.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file");
            Assert.Equal(SHA256.HashData(winner), SHA256.HashData(await download.Content.ReadAsByteArrayAsync()));
        }

        Assert.Equal([imageId], Directory.GetFiles(Path.Combine(_first.Options.DataPath, "images")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Upload_HalfwayOnOneReplica_TheOtherSeesNoDataAndCannotUploadToo()
    {
        var (first, second) = Owner("upload-halfway");
        var imageId = await first.CreateImageIdAsync();
        var data = new byte[256 * 1024];
        new Random(3).NextBytes(data);
        var content = new GatedContent(data);
        var upload = first.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", content);
        await content.HalfSent;
        for (var attempt = 0; attempt < 100 && (string?)(await second.GetImageAsync(imageId))!["status"] != "saving"; attempt++)
        {
            await Task.Delay(50);
        }

        var images = Path.Combine(_first.Options.DataPath, "images");
        Assert.Equal("saving", (string?)(await second.GetImageAsync(imageId))!["status"]);
        using (var during = await second.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file"))
        {
            Assert.Equal(204, (int)during.StatusCode);
        }

        Assert.False(File.Exists(Path.Combine(images, imageId)), "half a file must never be under the image's name");
        using (var rival = await second.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", ImageDataTests.Octets([1, 2, 3])))
        {
            Assert.Equal(409, (int)rival.StatusCode);
        }

        content.Release();
        using (var done = await upload)
        {
            Assert.Equal(204, (int)done.StatusCode);
        }

        using var download = await second.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file");
        Assert.Equal(data, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal([imageId], Directory.GetFiles(images).Select(Path.GetFileName));
    }

    [Fact]
    public async Task MemberAddedThroughOneReplica_IsSeenAndDeletedThroughTheOther()
    {
        var (first, second) = Owner("replica-handoff");
        var imageId = await first.CreateImageIdAsync();
        await first.AddMemberAsync(imageId, "m1");

        Assert.Equal(["m1"], await second.MemberIdsAsync(imageId));
        using var delete = await second.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}/members/m1");
        Assert.Equal(204, (int)delete.StatusCode);
        Assert.Empty(await first.MemberIdsAsync(imageId));
    }

    [Fact]
    public async Task Migrate_TwoReplicasStartingOnAnEmptyDatabaseTogether_ApplyEachVersionOnce()
    {
        var cluster = await PostgresCluster.SharedAsync();
        var connectionString = await cluster.CreateDatabaseAsync();
        var starts = Enumerable.Range(0, 2).Select(_ => Task.Run(() => StoreInstance.StartAsync(
            o => o.Database.ConnectionString = connectionString, engine: DatabaseProvider.PostgreSQL))).ToArray();
        var stores = await Task.WhenAll(starts);
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*), max(version) FROM schema_version", connection);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(SchemaMigrations.All.Length, reader.GetInt64(0));
            Assert.Equal(SchemaMigrations.Current, reader.GetInt32(1));
            var owner = Caller.Project("migrate-" + Guid.NewGuid().ToString("N"));
            var imageId = await stores[0].Client(owner).CreateImageIdAsync();
            Assert.NotNull(await stores[1].Client(owner).GetImageAsync(imageId));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }

            await cluster.DropDatabaseAsync(connectionString);
        }
    }

    // Sends every request after all are ready, and returns the statuses in request order.
    private static async Task<int[]> AllAtOnceAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        using var gate = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            using var response = await send(i);
            return (int)response.StatusCode;
        }).ToArray();
        gate.Release(count);
        return await Task.WhenAll(tasks);
    }

    private async Task<long> ScalarAsync(string sql, string imageId)
    {
        await using var connection = new NpgsqlConnection(_first.Options.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", imageId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Image data sent in two halves: the second only once the test says so.</summary>
    private sealed class GatedContent : HttpContent
    {
        private readonly byte[] _data;
        private readonly TaskCompletionSource _halfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public GatedContent(byte[] data)
        {
            _data = data;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        }

        public Task HalfSent => _halfSent.Task;

        public void Release() => _release.SetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var half = _data.Length / 2;
            await stream.WriteAsync(_data.AsMemory(0, half));
            await stream.FlushAsync();
            _halfSent.SetResult();
            await _release.Task;
            await stream.WriteAsync(_data.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _data.Length;
            return true;
        }
    }
}
