using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// Moves SQLite's WAL checkpoints off the request path. Left to itself, SQLite checkpoints inside
/// the commit that crosses 1000 WAL pages, and that commit (with every writer queued behind it)
/// waits for the checkpoint's fsyncs: the store's slowest requests. Writers turn automatic
/// checkpoints off (<see cref="StoreDatabase.OpenForWriteAsync"/>); this runs a PASSIVE checkpoint,
/// which never blocks readers or writers, once a second, and a full one at shutdown.
/// <para>
/// A PASSIVE checkpoint copies pages into the database but never starts the log over: SQLite does
/// that only when a writer begins while every page is copied and no reader is in the log, which a
/// store under steady reads and writes seldom sees (a two-minute benchmark left a 3 GB log and a
/// 6 MB shared-memory index). So once the log holds more than
/// <see cref="StoreDatabase.WalLimitPages"/>, the checkpointer takes the writer's turn and runs a
/// RESTART checkpoint: it waits for the readers still in the log and copies the last pages, so the
/// next write starts the log over from its beginning and the file is reused. The file keeps the
/// size it reached (the limit plus about a second of writes); only when that is more than
/// <see cref="ShrinkFactor"/> times the limit does the checkpointer run TRUNCATE instead, which
/// also empties the file but holds the writers longer (20-60 ms, against 4-8 ms: the p99 of
/// one-at-a-time member deletes was 20 ms with TRUNCATE every time, 1.4 ms with RESTART).
/// TRUNCATE also runs once at shutdown.
/// </para>
/// </summary>
internal sealed partial class WalCheckpointer(StoreDatabase database, TimeProvider time, ILogger<WalCheckpointer> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>How long a RESTART or TRUNCATE checkpoint waits for the readers in the log, in milliseconds.</summary>
    private const int ReaderWaitMilliseconds = 2000;

    /// <summary>A log file larger than this many times <see cref="StoreDatabase.WalLimitPages"/> is emptied, not reused.</summary>
    public const int ShrinkFactor = 8;

    /// <summary>SQLite's default page size, which the store keeps.</summary>
    private const long PageBytes = 4096;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckpointAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            await RunAsync(connection, "TRUNCATE", CancellationToken.None);
        }
        catch (SqliteException ex)
        {
            Log.CheckpointFailed(logger, "TRUNCATE", ex.Message);
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        var mode = "PASSIVE";
        try
        {
            int logPages;
            await using (var connection = await database.OpenAsync(cancellationToken))
            {
                (_, logPages) = await RunAsync(connection, mode, cancellationToken);
            }

            if (logPages > database.WalLimitPages)
            {
                mode = database.WalFileBytes() > database.WalLimitPages * PageBytes * ShrinkFactor ? "TRUNCATE" : "RESTART";
                await using var lease = await database.OpenForWriteAsync(cancellationToken);
                await using (var wait = lease.Connection.CreateCommand())
                {
                    wait.CommandText = $"PRAGMA busy_timeout={ReaderWaitMilliseconds};";
                    await wait.ExecuteNonQueryAsync(cancellationToken);
                }

                var (busy, _) = await RunAsync(lease.Connection, mode, cancellationToken);
                if (busy)
                {
                    Log.LogNotEmptied(logger, logPages);
                }
            }
        }
        catch (SqliteException ex)
        {
            Log.CheckpointFailed(logger, mode, ex.Message);
        }
    }

    /// <summary>Runs one checkpoint: whether it was kept from finishing, and the pages in the log.</summary>
    private static async Task<(bool Busy, int LogPages)> RunAsync(System.Data.Common.DbConnection connection, string mode, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);

        // One row: busy (1 when it could not finish), pages in the log, pages copied.
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0) != 0, Convert.ToInt32(reader.GetInt64(1), CultureInfo.InvariantCulture))
            : (false, 0);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 16001, Level = LogLevel.Warning, Message = "WAL checkpoint ({Mode}) failed: {Reason}")]
        public static partial void CheckpointFailed(ILogger logger, string mode, string reason);

        [LoggerMessage(EventId = 16002, Level = LogLevel.Warning, Message = "The WAL ({Pages} pages) could not be started over: readers stayed in it; retrying in a second")]
        public static partial void LogNotEmptied(ILogger logger, int pages);
    }
}
