using System.Data.Common;
using System.Text.Json;
using Glance.ImageStore.Members;
using Glance.Policy.Members;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// Reads and writes image members, in one SQL text for both engines (<see cref="IStoreDatabase"/>).
/// Reads are one indexed statement: the image with its membership facts (and rows, for a
/// listing). Writes that depend on the image (add, delete) hold its row while they write, so the
/// fact they checked stays true until they commit, across processes too.
/// </summary>
internal sealed class MemberRepository(IStoreDatabase database)
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
            ? "SELECT " + ImageColumns + ", FALSE, m.member_id, m.status, m.created_at, m.updated_at "
              + "FROM images i LEFT JOIN image_members m ON m.image_id = i.id WHERE i.id = @id AND i.deleted = FALSE ORDER BY m.seq"
            : "SELECT " + ImageColumns + ", "
              + "EXISTS (SELECT 1 FROM image_members c WHERE c.image_id = i.id AND c.member_id = @caller), "
              + "m.member_id, m.status, m.created_at, m.updated_at "
              + "FROM images i LEFT JOIN image_members m ON m.image_id = i.id AND m.member_id = @member "
              + "WHERE i.id = @id AND i.deleted = FALSE";
        command.Text("@id", imageId).Text("@caller", callerProject).Text("@member", memberId);
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

    private static ImageFacts ReadFacts(DbDataReader reader) => new(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
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

    /// <summary>
    /// Adds a pending member. In one transaction: the image row, read and held while it is not
    /// deleted (<see cref="IStoreDatabase.LockImageRow"/>), then the insert. The primary key
    /// decides between racing adds of one member (the second waits on the first's key and fails),
    /// and the held row between an add and an image delete: the delete's UPDATE waits for the add
    /// to commit and then removes the member with the image, or the add waits for the delete and
    /// finds the image gone (<see cref="ImageRepository.SoftDeleteAsync"/>).
    /// </summary>
    public async Task<MemberAddResult> AddAsync(string imageId, string memberId, string now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await LockImageAsync(connection, transaction, imageId, visibility: null, owner: null, cancellationToken))
        {
            return new(null, ImageGone: true);
        }

        await using var command = connection.Command(
            "INSERT INTO image_members (image_id, member_id, status, created_at, updated_at) VALUES (@image, @member, 'pending', @now, @now)",
            transaction);
        command.Text("@image", imageId).Text("@member", memberId).Text("@now", now);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException exception) when (database.IsUniqueViolation(exception))
        {
            return new(null, ImageGone: false);
        }

        await transaction.CommitAsync(cancellationToken);
        return new(new MemberRecord(imageId, memberId, MemberStatus.Pending, now, now), ImageGone: false);
    }

    /// <summary>Sets a member's status; returns the updated row, or null when the member is gone.</summary>
    public async Task<MemberRecord?> UpdateStatusAsync(string imageId, string memberId, string status, string now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var command = connection.Command("UPDATE image_members SET status = @status, updated_at = @now WHERE image_id = @image AND member_id = @member "
            + "RETURNING image_id, member_id, status, created_at, updated_at");
        command.Text("@image", imageId).Text("@member", memberId).Text("@status", status).Text("@now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new MemberRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4))
            : null;
    }

    /// <summary>
    /// Removes a member only while the image is still not deleted, with the visibility and owner
    /// the decision saw; true only for the request that removed it. In one transaction: the image
    /// row read with those values and held (<see cref="IStoreDatabase.LockImageRow"/>; on
    /// PostgreSQL a PATCH of visibility or owner, or the image's delete, waits until this commits,
    /// and one that committed first makes the read find no row), then the DELETE, whose row count
    /// decides between racing deletes (the second waits on the first's row lock, then finds it gone).
    /// </summary>
    public async Task<bool> DeleteAsync(string imageId, string memberId, string visibility, string? owner, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await LockImageAsync(connection, transaction, imageId, visibility, owner, cancellationToken))
        {
            return false;
        }

        await using var command = connection.Command("DELETE FROM image_members WHERE image_id = @image AND member_id = @member", transaction);
        command.Text("@image", imageId).Text("@member", memberId);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    // The image row, not deleted (and with this visibility and owner, when given), held until the transaction ends.
    private async Task<bool> LockImageAsync(DbConnection connection, DbTransaction transaction, string imageId, string? visibility, string? owner, CancellationToken cancellationToken)
    {
        var facts = visibility is null ? string.Empty : " AND visibility = @visibility AND owner IS NOT DISTINCT FROM @owner";
        await using var command = connection.Command("SELECT 1 FROM images WHERE id = @image AND deleted = FALSE" + facts + database.LockImageRow, transaction);
        command.Text("@image", imageId);
        if (visibility is not null)
        {
            command.Text("@visibility", visibility).Text("@owner", owner);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken);
    }
}

/// <summary>What a member add did: the new row, or none because it was there already or the image is gone.</summary>
internal readonly record struct MemberAddResult(MemberRecord? Added, bool ImageGone);
