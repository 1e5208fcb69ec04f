using System.Net;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Persistence;

/// <summary>
/// The write-ahead log stays bounded while the store is busy: under steady reads SQLite never
/// starts it over by itself, so the store empties it once it passes <c>WalLimitPages</c>.
/// </summary>
public sealed class WalLimitTests
{
    private const int LimitPages = 64;
    private const long LimitBytes = LimitPages * 4096L;

    [Fact]
    public async Task Wal_PastItsLimitWhileReadersKeepReading_IsEmptiedAndNoMemberIsLost()
    {
        await using var store = await StoreInstance.StartAsync(o => o.WalLimitPages = LimitPages);
        var owner = store.Client(Caller.Project("wal-owner"));
        var imageId = await owner.CreateImageIdAsync();
        var wal = Path.Combine(store.Options.DataPath, "glance.db-wal");
        await owner.AddMemberAsync(imageId, "m0");

        using var stopReading = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() => ReadUntilStoppedAsync(owner, imageId, stopReading.Token))).ToArray();

        // Write until the log is well past its limit (the control: the log did grow).
        var added = 1;
        long largest = 0;
        while (largest <= 2 * LimitBytes && added < 5000)
        {
            await owner.AddMemberAsync(imageId, $"m{added++}");
            largest = Math.Max(largest, SizeOf(wal));
        }

        Assert.True(largest > 2 * LimitBytes, $"the log never passed twice its limit ({largest} bytes after {added} writes)");

        // The readers go on; within a few checkpoint intervals the log is emptied anyway.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (SizeOf(wal) > LimitBytes && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var after = SizeOf(wal);
        await stopReading.CancelAsync();
        var readCounts = await Task.WhenAll(readers);

        Assert.True(after <= LimitBytes, $"the log is still {after} bytes (limit {LimitBytes}, largest {largest})");
        Assert.All(readCounts, count => Assert.True(count > 0, "a reader never got an answer"));
        Assert.Equal(added, (await owner.MemberIdsAsync(imageId)).Count);
    }

    private static async Task<int> ReadUntilStoppedAsync(StoreClient owner, string imageId, CancellationToken stop)
    {
        var count = 0;
        while (!stop.IsCancellationRequested)
        {
            using var response = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members/m0");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            count++;
        }

        return count;
    }

    private static long SizeOf(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}
