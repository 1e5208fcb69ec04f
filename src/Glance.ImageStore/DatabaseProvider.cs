namespace Glance.ImageStore;

/// <summary>The database engines the store runs on (<see cref="ImageStoreDatabaseOptions.Provider"/>).</summary>
public enum DatabaseProvider
{
    /// <summary>One SQLite file under the data path, written by one process (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database, shared by every replica.</summary>
    PostgreSQL,
}
