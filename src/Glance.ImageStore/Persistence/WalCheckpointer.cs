using Microsoft.Data.Sqlite;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// Moves SQLite's WAL checkpoints off the request path. Left to itself, SQLite checkpoints inside
/// the commit that crosses 1000 WAL pages, and that commit (with every writer queued behind it)
/// waits for the checkpoint's fsyncs: the store's slowest requests. Writers turn automatic
/// checkpoints off (<see cref="StoreDatabase.OpenForWriteAsync"/>); this runs a PASSIVE checkpoint,
/// which never blocks readers or writers, once a second, and a full one at shutdown.
/// </summary>
internal sealed partial class WalCheckpointer(StoreDatabase database, TimeProvider time, ILogger<WalCheckpointer> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckpointAsync("PASSIVE", stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await CheckpointAsync("TRUNCATE", CancellationToken.None);
    }

    private async Task CheckpointAsync(string mode, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA wal_checkpoint({mode});";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            Log.CheckpointFailed(logger, mode, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "WAL checkpoint ({Mode}) failed: {Reason}")]
        public static partial void CheckpointFailed(ILogger logger, string mode, string reason);
    }
}
