using System.Text.Json;
using Glance.ImageStore.Members;
using Glance.Policy.Members;
using Microsoft.Data.Sqlite;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// Reads and writes image members. The member endpoints' hot paths are one statement each: the
/// image with its membership facts (and rows, for a listing), and a conditional DELETE whose row
/// count tells which of two racing requests removed the member.
/// </summary>
internal sealed class MemberRepository(StoreDatabase database)
{
    /// <summary>
    /// The image (not deleted) with whether <paramref name="callerProject"/> is a member and the
    /// row of <paramref name="memberId"/> (one indexed statement); with
    /// <paramref name="includeRows"/>, all its member rows too (listings only). The image's
    /// attributes come along, for policy rules that name them.
    /// </summary>
    public async Task<MemberImage?> FindImageAsync(string imageId, string? callerProject, string? memberId, bool includeRows, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = includeRows
            ? "SELECT " + ImageColumns + ", 0, m.member_id, m.status, m.created_at, m.updated_at "
              + "FROM images i LEFT JOIN image_members m ON m.image_id = i.id WHERE i.id = $id AND i.deleted = 0 ORDER BY m.created_at, m.member_id"
            : "SELECT " + ImageColumns + ", "
              + "EXISTS (SELECT 1 FROM image_members c WHERE c.image_id = i.id AND c.member_id = $caller), "
              + "m.member_id, m.status, m.created_at, m.updated_at "
              + "FROM images i LEFT JOIN image_members m ON m.image_id = i.id AND m.member_id = $member "
              + "WHERE i.id = $id AND i.deleted = 0";
        command.Parameters.AddWithValue("$id", imageId);
        command.Parameters.AddWithValue("$caller", (object?)callerProject ?? DBNull.Value);
        command.Parameters.AddWithValue("$member", (object?)memberId ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var facts = ReadFacts(reader);
        var id = facts.Id;
        if (!includeRows)
        {
            var member = reader.IsDBNull(Member)
                ? null
                : new MemberRecord(id, reader.GetString(Member), reader.GetString(Member + 1), reader.GetString(Member + 2), reader.GetString(Member + 3));
            return new MemberImage(facts, reader.GetBoolean(CallerIsMember), member, []);
        }

        var rows = new List<MemberRecord>();
        do
        {
            if (!reader.IsDBNull(Member))
            {
                rows.Add(new MemberRecord(id, reader.GetString(Member), reader.GetString(Member + 1), reader.GetString(Member + 2), reader.GetString(Member + 3)));
            }
        }
        while (await reader.ReadAsync(cancellationToken));

        return new MemberImage(
            facts,
            callerProject is not null && rows.Exists(r => r.MemberId == callerProject),
            memberId is null ? null : rows.Find(r => r.MemberId == memberId),
            rows);
    }

    private const string ImageColumns =
        "i.id, i.visibility, i.owner, i.status, i.name, i.protected, i.os_hidden, i.min_disk, i.min_ram, i.disk_format, i.container_format, i.properties, "
        + "i.size, i.virtual_size, i.checksum, i.os_hash_algo, i.os_hash_value";

    private const int CallerIsMember = 17;
    private const int Member = 18;

    private static ImageFacts ReadFacts(SqliteDataReader reader) => new(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
    {
        Status = reader.GetString(3),
        Name = reader.IsDBNull(4) ? null : reader.GetString(4),
        Protected = reader.GetBoolean(5),
        OsHidden = reader.GetBoolean(6),
        MinDisk = reader.GetInt64(7),
        MinRam = reader.GetInt64(8),
        DiskFormat = reader.IsDBNull(9) ? null : reader.GetString(9),
        ContainerFormat = reader.IsDBNull(10) ? null : reader.GetString(10),
        Properties = JsonSerializer.Deserialize(reader.GetString(11), StoreJsonContext.Default.DictionaryStringString) ?? [],
        Size = reader.IsDBNull(12) ? null : reader.GetInt64(12),
        VirtualSize = reader.IsDBNull(13) ? null : reader.GetInt64(13),
        Checksum = reader.IsDBNull(14) ? null : reader.GetString(14),
        OsHashAlgo = reader.IsDBNull(15) ? null : reader.GetString(15),
        OsHashValue = reader.IsDBNull(16) ? null : reader.GetString(16),
    };

    /// <summary>Adds a pending member; null when it is already there (the primary key decides, so racing adds never duplicate).</summary>
    public async Task<MemberRecord?> AddAsync(string imageId, string memberId, string now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO image_members (image_id, member_id, status, created_at, updated_at) "
            + "SELECT $image, $member, 'pending', $now, $now WHERE EXISTS (SELECT 1 FROM images WHERE id = $image AND deleted = 0)";
        command.Parameters.AddWithValue("$image", imageId);
        command.Parameters.AddWithValue("$member", memberId);
        command.Parameters.AddWithValue("$now", now);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1
                ? new MemberRecord(imageId, memberId, MemberStatus.Pending, now, now)
                : null;
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == 19)
        {
            return null;
        }
    }

    /// <summary>Sets a member's status; returns the updated row, or null when the member is gone.</summary>
    public async Task<MemberRecord?> UpdateStatusAsync(string imageId, string memberId, string status, string now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE image_members SET status = $status, updated_at = $now WHERE image_id = $image AND member_id = $member "
            + "RETURNING image_id, member_id, status, created_at, updated_at";
        command.Parameters.AddWithValue("$image", imageId);
        command.Parameters.AddWithValue("$member", memberId);
        command.Parameters.AddWithValue("$status", status);
        command.Parameters.AddWithValue("$now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new MemberRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4))
            : null;
    }

    /// <summary>
    /// Removes a member in one statement, only while the image is still not deleted, with the
    /// visibility and owner the decision saw; true only for the request that removed it.
    /// </summary>
    public async Task<bool> DeleteAsync(string imageId, string memberId, string visibility, string? owner, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM image_members WHERE image_id = $image AND member_id = $member AND EXISTS "
            + "(SELECT 1 FROM images WHERE id = $image AND deleted = 0 AND visibility = $visibility AND owner IS $owner)";
        command.Parameters.AddWithValue("$image", imageId);
        command.Parameters.AddWithValue("$member", memberId);
        command.Parameters.AddWithValue("$visibility", visibility);
        command.Parameters.AddWithValue("$owner", (object?)owner ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
