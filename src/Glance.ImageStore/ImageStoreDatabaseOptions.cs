namespace Glance.ImageStore;

/// <summary>
/// Which database engine holds the store's metadata (section <c>ImageStore:Database</c>).
/// SQLite is the one-machine default; PostgreSQL is the engine for replicas that share one
/// database (and one <see cref="ImageStoreOptions.DataPath"/> for the image data).
/// </summary>
public sealed class ImageStoreDatabaseOptions
{
    /// <summary><c>Sqlite</c> (default: <c>glance.db</c> under the data path) or <c>PostgreSQL</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// The Npgsql connection string, required for <c>PostgreSQL</c> (pooled through one
    /// <c>NpgsqlDataSource</c>; pool size, timeouts and TLS are set in it). The standalone store
    /// also takes <c>ConnectionStrings:ImageStore</c> when this is empty. Not used for SQLite.
    /// </summary>
    public string? ConnectionString { get; set; }
}
