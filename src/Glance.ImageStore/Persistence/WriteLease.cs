using System.Data.Common;

namespace Glance.ImageStore.Persistence;

/// <summary>A connection held for one write; disposing it closes the connection and ends the writer's turn, if any.</summary>
internal sealed class WriteLease(DbConnection connection, SemaphoreSlim? writer) : IAsyncDisposable
{
    /// <summary>The connection to write with.</summary>
    public DbConnection Connection => connection;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync();
        writer?.Release();
    }
}
