using Microsoft.Data.Sqlite;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// The store's SQLite database under <see cref="ImageStoreOptions.DataPath"/>: opens pooled
/// connections, and creates or migrates the schema once, at start-up (never per request).
/// Writers take turns in process: SQLite has one writer at a time, and a second writer that
/// finds the database busy is retried by Microsoft.Data.Sqlite only after sleeping, which under
/// load turns into second-long tails; a queue of awaiting writers costs nothing of the kind.
/// WAL with <c>synchronous=NORMAL</c>: a commit is durable once the WAL is checkpointed, and the
/// database is never corrupted by a crash; checkpoints run in the background (<see cref="WalCheckpointer"/>).
/// </summary>
internal sealed class StoreDatabase : IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>The schema version this code reads and writes.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>SQLite's process-wide memory budget, page caches included.</summary>
    public const long SoftHeapLimitBytes = 16 * 1024 * 1024;

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

    /// <summary>The folder of the image data files.</summary>
    public string ImagesPath { get; }

    /// <summary>Told how long each write waited for its turn (<see cref="StoreMetrics"/>).</summary>
    public Action<TimeSpan>? WriterWaited { get; set; }

    /// <summary>The size of the write-ahead log file, 0 when there is none.</summary>
    public long WalFileBytes()
    {
        var wal = new FileInfo(FilePath + "-wal");
        return wal.Exists ? wal.Length : 0;
    }

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
    public void Dispose() => _writer.Dispose();

    /// <summary>A connection held for one write; disposing it lets the next writer in.</summary>
    internal sealed class WriteLease(SqliteConnection connection, SemaphoreSlim writer) : IAsyncDisposable
    {
        /// <summary>The connection to write with.</summary>
        public SqliteConnection Connection => connection;

        /// <inheritdoc />
        public async ValueTask DisposeAsync()
        {
            await connection.DisposeAsync();
            writer.Release();
        }
    }

    /// <summary>Creates the schema, or migrates an older one, inside one transaction.</summary>
    public void Migrate()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, null, "PRAGMA journal_mode=WAL;");

        // Every pooled connection has its own page cache (2 MB by default), and a busy store holds
        // dozens; one process-wide budget lets SQLite recycle pages instead (the OS caches the file).
        Execute(connection, null, $"PRAGMA soft_heap_limit={SoftHeapLimitBytes};");
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);");
        var version = Convert.ToInt32(Scalar(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version;"), System.Globalization.CultureInfo.InvariantCulture);
        if (version > CurrentSchemaVersion)
        {
            throw new InvalidOperationException($"The database {FilePath} has schema version {version}, newer than this store's {CurrentSchemaVersion}.");
        }

        if (version < 1)
        {
            Execute(connection, transaction, """
                CREATE TABLE images (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NULL,
                    status TEXT NOT NULL,
                    visibility TEXT NOT NULL,
                    owner TEXT NULL,
                    protected INTEGER NOT NULL DEFAULT 0,
                    os_hidden INTEGER NOT NULL DEFAULT 0,
                    disk_format TEXT NULL,
                    container_format TEXT NULL,
                    min_disk INTEGER NOT NULL DEFAULT 0,
                    min_ram INTEGER NOT NULL DEFAULT 0,
                    size INTEGER NULL,
                    virtual_size INTEGER NULL,
                    checksum TEXT NULL,
                    os_hash_algo TEXT NULL,
                    os_hash_value TEXT NULL,
                    tags TEXT NOT NULL DEFAULT '[]',
                    properties TEXT NOT NULL DEFAULT '{}',
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    deleted INTEGER NOT NULL DEFAULT 0,
                    deleted_at TEXT NULL
                );
                CREATE INDEX images_owner ON images (owner) WHERE deleted = 0;
                CREATE TABLE image_members (
                    image_id TEXT NOT NULL,
                    member_id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (image_id, member_id)
                ) WITHOUT ROWID;
                CREATE INDEX image_members_member ON image_members (member_id);
                INSERT INTO schema_version (version) VALUES (1);
                """);
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
