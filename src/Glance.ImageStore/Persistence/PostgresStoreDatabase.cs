using System.Data.Common;
using Npgsql;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// The store's PostgreSQL engine (<see cref="IStoreDatabase"/>): one pooled
/// <see cref="NpgsqlDataSource"/> (built slim: text, integers and booleans are all the store
/// binds, and the slim builder keeps a trimmed, Native AOT build small). Every transaction runs
/// at READ COMMITTED, PostgreSQL's default; what must hold across replicas holds through
/// conditional statements and row locks (<see cref="LockImageRow"/>), never through a process's
/// own queue: writers do not take turns here, the database orders them.
/// </summary>
internal sealed partial class PostgresStoreDatabase : IStoreDatabase, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;

    public PostgresStoreDatabase(string connectionString, string dataPath, ILogger<PostgresStoreDatabase> logger)
    {
        _logger = logger;
        var root = Path.GetFullPath(dataPath);
        ImagesPath = Path.Combine(root, "images");
        Directory.CreateDirectory(ImagesPath);
        var builder = new NpgsqlSlimDataSourceBuilder(connectionString);
        Server = $"{builder.ConnectionStringBuilder.Host}:{builder.ConnectionStringBuilder.Port}/{builder.ConnectionStringBuilder.Database}";
        _dataSource = builder.Build();
    }

    /// <summary>Host, port and database, for logs (never the password).</summary>
    public string Server { get; }

    /// <inheritdoc />
    public string ImagesPath { get; }

    /// <inheritdoc />
    public string LockImageRow => " FOR SHARE";

    // Containment on the column cast to jsonb, which the GIN indexes of schema version 2 serve.
    /// <inheritdoc />
    public string JsonArrayContains(string column, string value) => $"({column})::jsonb @> jsonb_build_array({value}::text)";

    /// <inheritdoc />
    public string JsonObjectContains(string column, string key, string value) => $"({column})::jsonb @> jsonb_build_object({key}::text, {value}::text)";

    /// <inheritdoc />
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<WriteLease> OpenForWriteAsync(CancellationToken cancellationToken) =>
        new(await _dataSource.OpenConnectionAsync(cancellationToken), writer: null);

    /// <inheritdoc />
    public bool IsUniqueViolation(DbException exception) => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <inheritdoc />
    public bool IsUnavailable(Exception exception)
    {
        var unavailable = exception switch
        {
            // Class 08 (connection), 57P01-57P03 (shutting down, starting up), 53 (out of connections or resources).
            PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
                || postgres.SqlState.StartsWith("53", StringComparison.Ordinal),

            // No server to talk to: refused, reset, timed out, pool exhausted.
            NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException,
            _ => false,
        };
        if (unavailable)
        {
            // Pooled connections to a server that went away are all broken; drop them now rather
            // than let each fail one more request after the server is back.
            _dataSource.Clear();
            Log.Unavailable(_logger, Server, exception.Message);
        }

        return unavailable;
    }

    /// <summary>
    /// Applies the missing schema versions in one transaction, holding a transaction-scoped
    /// advisory lock: a second replica starting at the same moment waits on the lock, then finds
    /// every version recorded and applies none.
    /// </summary>
    public void Migrate()
    {
        try
        {
            MigrateNow();
        }
        catch (NpgsqlException exception)
        {
            // One clear line at start-up; the service manager starts the store again later.
            throw new InvalidOperationException($"The store could not migrate its PostgreSQL database {Server}: {exception.Message}", exception);
        }
    }

    private void MigrateNow()
    {
        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({SchemaMigrations.AdvisoryLockKey})");
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY)");
        int version;
        using (var command = connection.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version", transaction))
        {
            version = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (version > SchemaMigrations.Current)
        {
            throw new InvalidOperationException($"The database {Server} has schema version {version}, newer than this store's {SchemaMigrations.Current}.");
        }

        foreach (var migration in SchemaMigrations.All)
        {
            if (migration.Version > version)
            {
                Execute(connection, transaction, migration.PostgreSql);
                Execute(connection, transaction, $"INSERT INTO schema_version (version) VALUES ({migration.Version})");
                Log.Migrated(_logger, Server, migration.Version);
            }
        }

        transaction.Commit();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => _dataSource.Dispose();

    private static void Execute(DbConnection connection, DbTransaction transaction, string sql)
    {
        using var command = connection.Command(sql, transaction);
        command.ExecuteNonQuery();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 16003, Level = LogLevel.Information, Message = "PostgreSQL {Server}: schema version {Version} applied")]
        public static partial void Migrated(ILogger logger, string server, int version);

        [LoggerMessage(EventId = 16004, Level = LogLevel.Warning, Message = "PostgreSQL {Server} unavailable, answering 503: {Reason}")]
        public static partial void Unavailable(ILogger logger, string server, string reason);
    }
}
