using System.Data;
using System.Data.Common;
using Glance.ImageStore.Persistence;

namespace Glance.ImageStore.Cache;

/// <summary>
/// The cache's bookkeeping (<c>cached_images</c>, schema version 5), the statements of Glance's
/// sqlite driver in one SQL text for both engines.
/// </summary>
internal sealed class CachedImageRepository(IStoreDatabase database)
{
    /// <summary>Every row, ordered by image id (<c>get_cached_images</c>).</summary>
    public async Task<IReadOnlyList<CachedImage>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT image_id, hits, last_accessed, last_modified, size FROM cached_images ORDER BY image_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<CachedImage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new CachedImage(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4)));
        }

        return rows;
    }

    /// <summary>
    /// The row of a file just moved into the cache (<c>open_for_write</c>'s commit: hits 0, both
    /// times now). A row already there stays as it is, as in Glance (its INSERT fails and is logged).
    /// </summary>
    public async Task InsertAsync(string imageId, long size, string? checksum, double now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        await using var command = lease.Connection.Command(
            "INSERT INTO cached_images (image_id, last_accessed, last_modified, hits, size, checksum) "
            + "VALUES (@id, @now, @now, 0, @size, @checksum) ON CONFLICT (image_id) DO NOTHING");
        command.Text("@id", imageId).Int64("@size", size).Text("@checksum", checksum);
        AddDouble(command, "@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A read from the cache that ran to its end (<c>open_for_read</c>): one more hit, accessed now.</summary>
    public async Task RecordHitAsync(string imageId, double now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        await using var command = lease.Connection.Command("UPDATE cached_images SET hits = hits + 1, last_accessed = @now WHERE image_id = @id");
        command.Text("@id", imageId);
        AddDouble(command, "@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Forgets one image (<c>delete_cached_image</c>).</summary>
    public async Task DeleteAsync(string imageId, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        await using var command = lease.Connection.Command("DELETE FROM cached_images WHERE image_id = @id");
        command.Text("@id", imageId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Forgets every image (<c>delete_all_cached_images</c>).</summary>
    public async Task DeleteAllAsync(CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        await using var command = lease.Connection.Command("DELETE FROM cached_images");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The least recently accessed image (<c>get_least_recently_accessed</c>), or null.</summary>
    public async Task<string?> LeastRecentlyAccessedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT image_id FROM cached_images ORDER BY last_accessed, image_id LIMIT 1");
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static void AddDouble(DbCommand command, string name, double value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = DbType.Double;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
