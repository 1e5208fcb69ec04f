using System.Data.Common;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// The persistence seam: the repositories write one SQL text for both engines over
/// <see cref="DbConnection"/> and ask the engine only for what differs (how writers take turns,
/// the row lock that makes a check-then-write hold across processes, which errors mean a duplicate
/// key and which mean the database cannot be reached). <see cref="StoreDatabase"/> is SQLite,
/// <see cref="PostgresStoreDatabase"/> is PostgreSQL.
/// </summary>
internal interface IStoreDatabase
{
    /// <summary>The folder of the image data files (under <see cref="ImageStoreOptions.DataPath"/>).</summary>
    string ImagesPath { get; }

    /// <summary>
    /// Appended to a <c>SELECT</c> of one image row inside a write transaction: it holds the row
    /// as read until the transaction ends. PostgreSQL: <c> FOR SHARE</c> (READ COMMITTED then waits
    /// for a concurrent writer of the row and reads its committed version); SQLite: nothing, its
    /// one writer at a time already holds every row.
    /// </summary>
    string LockImageRow { get; }

    /// <summary>SQL that is true when the JSON array of text <paramref name="column"/> holds the string parameter <paramref name="value"/> (a listing's tag filter).</summary>
    string JsonArrayContains(string column, string value);

    /// <summary>SQL that is true when the JSON object of text <paramref name="column"/> maps the string parameter <paramref name="key"/> to <paramref name="value"/> (a listing's property filter).</summary>
    string JsonObjectContains(string column, string key, string value);

    /// <summary>Applies the schema versions the database lacks (<see cref="SchemaMigrations"/>), each once, even with replicas starting together.</summary>
    void Migrate();

    /// <summary>Opens a pooled connection for reading.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Opens a pooled connection for one write (SQLite: after waiting for the writer's turn).</summary>
    Task<WriteLease> OpenForWriteAsync(CancellationToken cancellationToken);

    /// <summary>True when <paramref name="exception"/> is a unique or primary key violation.</summary>
    bool IsUniqueViolation(DbException exception);

    /// <summary>
    /// True when <paramref name="exception"/> says the database cannot serve now (not reachable,
    /// shutting down, too busy): the request gets a 503 and may be retried. Forgets pooled
    /// connections that may be broken, so that the next request opens fresh ones.
    /// </summary>
    bool IsUnavailable(Exception exception);
}
