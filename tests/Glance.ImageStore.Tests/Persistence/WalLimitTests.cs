using System.Net;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Persistence;

/// <summary>
/// The write-ahead log stays bounded while the store is busy: under steady reads and writes SQLite
/// seldom starts it over by itself, so the store does once it passes <c>WalLimitPages</c>, and
/// empties a file that grew past <see cref="WalCheckpointer.ShrinkFactor"/> times that.
/// </summary>
public sealed class WalLimitTests
{
    private const int LimitPages = 64;
    private const long ShrinkBytes = LimitPages * 4096L * WalCheckpointer.ShrinkFactor;

    [Fact]
    public async Task Wal_GrownPastItsLimitWhileReadersKeepReading_IsEmptiedAndNoMemberIsLost()
    {
        await using var store = await StoreInstance.StartAsync(o => o.WalLimitPages = LimitPages);
        var owner = store.Client(Caller.Project("wal-owner"));
        var imageId = await owner.CreateImageIdAsync();
        await owner.AddMemberAsync(imageId, "m0");
        var wal = Path.Combine(store.Options.DataPath, "glance.db-wal");

        using var stopReading = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() => ReadUntilStoppedAsync(owner, imageId, stopReading.Token))).ToArray();

        // Eight writers keep the store's writer busy, as a loaded store's are, until the log file
        // is well past the size the store empties.
        long largest = 0;
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var written = 0;
            while (Interlocked.Read(ref largest) <= 2 * ShrinkBytes && written < 20_000)
            {
                await owner.AddMemberAsync(imageId, $"w{w}-{written++}");
                var size = SizeOf(wal);
                if (size > Interlocked.Read(ref largest))
                {
                    Interlocked.Exchange(ref largest, size);
                }
            }

            return written;
        })).ToArray();
        var added = 1 + (await Task.WhenAll(writers)).Sum();

        // The control: the file did grow past that size. The readers go on; within a few
        // checkpoint intervals the file is emptied anyway (left alone it would keep its size).
        Assert.True(largest > 2 * ShrinkBytes, $"the log never grew past {2 * ShrinkBytes} bytes ({largest} after {added} writes)");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (SizeOf(wal) > ShrinkBytes && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var after = SizeOf(wal);
        await stopReading.CancelAsync();
        var readCounts = await Task.WhenAll(readers);

        Assert.True(after <= ShrinkBytes, $"the log is still {after} bytes (emptied above {ShrinkBytes}; largest {largest})");
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
