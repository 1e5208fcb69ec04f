using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// The store's SQLite engine (<see cref="IStoreDatabase"/>): <c>glance.db</c> under
/// <see cref="ImageStoreOptions.DataPath"/>, pooled connections, the schema migrated once, at
/// start-up (never per request).
/// Writers take turns in process: SQLite has one writer at a time, and a second writer that
/// finds the database busy is retried by Microsoft.Data.Sqlite only after sleeping, which under
/// load turns into second-long tails; a queue of awaiting writers costs nothing of the kind.
/// WAL with <c>synchronous=NORMAL</c>: a commit is durable once the WAL is checkpointed, and the
/// database is never corrupted by a crash; checkpoints run in the background (<see cref="WalCheckpointer"/>).
/// </summary>
internal sealed class StoreDatabase : IStoreDatabase, IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>The schema version this code reads and writes.</summary>
    public static int CurrentSchemaVersion => SchemaMigrations.Current;

    /// <summary>SQLite's process-wide memory budget, page caches included.</summary>
    public const long SoftHeapLimitBytes = 16 * 1024 * 1024;

    /// <summary>SQLITE_CONSTRAINT: a unique or primary key taken.</summary>
    private const int SqliteConstraint = 19;

    /// <summary>SQLITE_BUSY and SQLITE_LOCKED: another process holds the file past the busy timeout.</summary>
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    private readonly string _connectionString;

    public StoreDatabase(string dataPath, int walLimitPages)
    {
        WalLimitPages = walLimitPages;
        var root = Path.GetFullPath(dataPath);
        Directory.CreateDirectory(root);
        ImagesPath = Path.Combine(root, "images");
        Directory.CreateDirectory(ImagesPath);
        FilePath = Path.Combine(root, "glance.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Past this many pages in the write-ahead log, <see cref="WalCheckpointer"/> starts it over.</summary>
    public int WalLimitPages { get; }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public string ImagesPath { get; }

    /// <inheritdoc />
    public string LockImageRow => string.Empty;

    /// <inheritdoc />
    public string JsonArrayContains(string column, string value) => $"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = {value})";

    /// <inheritdoc />
    public string JsonObjectContains(string column, string key, string value) =>
        $"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.key = {key} AND json_each.value = {value})";

    /// <summary>Told how long each write waited for its turn (<see cref="StoreMetrics"/>).</summary>
    public Action<TimeSpan>? WriterWaited { get; set; }

    /// <summary>The size of the write-ahead log file, 0 when there is none.</summary>
    public long WalFileBytes()
    {
        var wal = new FileInfo(FilePath + "-wal");
        return wal.Exists ? wal.Length : 0;
    }

    /// <inheritdoc />
    async Task<DbConnection> IStoreDatabase.OpenAsync(CancellationToken cancellationToken) => await OpenAsync(cancellationToken);

    /// <summary>Opens a pooled connection for reading.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Waits for the writer's turn, then opens a pooled connection; disposing the lease ends the turn.</summary>
    public async Task<WriteLease> OpenForWriteAsync(CancellationToken cancellationToken)
    {
        var waited = WriterWaited;
        var start = waited is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        await _writer.WaitAsync(cancellationToken);
        waited?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(start));
        try
        {
            var connection = await OpenAsync(cancellationToken);
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }

            return new WriteLease(connection, _writer);
        }
        catch
        {
            _writer.Release();
            throw;
        }
    }

    /// <inheritdoc />
    public bool IsUniqueViolation(DbException exception) => exception is SqliteException { SqliteErrorCode: SqliteConstraint };

    /// <inheritdoc />
    public bool IsUnavailable(Exception exception) => exception is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked };

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    /// <summary>Creates the schema, or migrates an older one, inside one transaction.</summary>
    public void Migrate()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, null, "PRAGMA journal_mode=WAL;");

        // Every pooled connection has its own page cache (2 MB by default), and a busy store holds
        // dozens; one process-wide budget lets SQLite recycle pages instead (the OS caches the file).
        Execute(connection, null, $"PRAGMA soft_heap_limit={SoftHeapLimitBytes};");

        // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the file's write lock, so a second
        // process migrating the same file waits and then finds the versions applied.
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);");
        var version = Convert.ToInt32(Scalar(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version;"), System.Globalization.CultureInfo.InvariantCulture);
        if (version > CurrentSchemaVersion)
        {
            throw new InvalidOperationException($"The database {FilePath} has schema version {version}, newer than this store's {CurrentSchemaVersion}.");
        }

        foreach (var migration in SchemaMigrations.All)
        {
            if (migration.Version > version)
            {
                Execute(connection, transaction, migration.Sqlite);
                Execute(connection, transaction, $"INSERT INTO schema_version (version) VALUES ({migration.Version});");
            }
        }

        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
