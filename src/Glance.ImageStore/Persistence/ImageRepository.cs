using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Glance.ImageStore.Identity;
using Glance.ImageStore.Images;
using Glance.Policy.Members;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// Reads and writes image rows, in one SQL text for both engines (<see cref="IStoreDatabase"/>).
/// Every call is one statement on a pooled connection, but for the delete; state changes that race
/// (upload, deactivate, delete) are conditional updates whose row count decides: at READ COMMITTED
/// PostgreSQL re-checks the WHERE of an UPDATE on the row's newest version once a concurrent
/// writer commits, so of two replicas moving one image from queued to saving only one counts a row.
/// </summary>
internal sealed class ImageRepository(IStoreDatabase database)
{
    internal const string Columns =
        "id, name, status, visibility, owner, protected, os_hidden, disk_format, container_format, min_disk, min_ram, "
        + "size, virtual_size, checksum, os_hash_algo, os_hash_value, tags, properties, created_at, updated_at";

    /// <summary>The image with exactly this id, unless deleted; <paramref name="callerProject"/> fills CallerIsMember.</summary>
    public async Task<ImageRecord?> FindAsync(string id, string? callerProject, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + Columns
            + ", EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = images.id AND m.member_id = @caller)"
            + " FROM images WHERE id = @id AND deleted = FALSE";
        command.Text("@id", id);
        command.Text("@caller", callerProject);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, callerIsMember: reader.GetBoolean(20)) : null;
    }

    /// <summary>Inserts a new image; false when the id is taken (even by a deleted image).</summary>
    public async Task<bool> InsertAsync(ImageRecord image, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO images (" + Columns + ") VALUES (@id, @name, @status, @visibility, @owner, @protected, @os_hidden, "
            + "@disk_format, @container_format, @min_disk, @min_ram, @size, @virtual_size, @checksum, @os_hash_algo, @os_hash_value, "
            + "@tags, @properties, @created_at, @updated_at)";
        Bind(command, image);
        command.Text("@created_at", image.CreatedAt);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (DbException exception) when (database.IsUniqueViolation(exception))
        {
            return false;
        }
    }

    /// <summary>Writes the mutable attributes of an image that is not deleted; false when it is gone.</summary>
    public async Task<bool> UpdateAsync(ImageRecord image, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE images SET name = @name, visibility = @visibility, owner = @owner, protected = @protected, "
            + "os_hidden = @os_hidden, disk_format = @disk_format, container_format = @container_format, min_disk = @min_disk, "
            + "min_ram = @min_ram, tags = @tags, properties = @properties, updated_at = @updated_at "
            + "WHERE id = @id AND deleted = FALSE";
        Bind(command, image);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Replaces the tags of an image that is not deleted, if they are still <paramref name="before"/>
    /// (what the caller read), and sets <c>updated_at</c>: null when the image is gone, false when
    /// a concurrent change came first (read again and retry), true when written.
    /// </summary>
    public async Task<bool?> ReplaceTagsAsync(string id, IReadOnlyList<string> before, IReadOnlyList<string> after, string now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var command = connection.Command(
            "UPDATE images SET tags = @after, updated_at = @now WHERE id = @id AND deleted = FALSE AND tags = @before");
        command.Text("@id", id)
            .Text("@before", JsonSerializer.Serialize([.. before], StoreJsonContext.Default.ListString))
            .Text("@after", JsonSerializer.Serialize([.. after], StoreJsonContext.Default.ListString))
            .Text("@now", now);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            return true;
        }

        await using var exists = connection.Command("SELECT 1 FROM images WHERE id = @id AND deleted = FALSE");
        exists.Text("@id", id);
        return await exists.ExecuteScalarAsync(cancellationToken) is null ? null : false;
    }

    /// <summary>
    /// Marks an unprotected image deleted and removes its members, in one transaction; false when
    /// it is gone or (raced to) protected. On PostgreSQL the UPDATE takes the image row's lock,
    /// waiting for a member add that holds it (<see cref="MemberRepository.AddAsync"/>); the
    /// member DELETE after it starts after that add committed, so no member of the deleted image stays.
    /// </summary>
    public async Task<bool> SoftDeleteAsync(string id, string now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = connection.Command(
            "UPDATE images SET deleted = TRUE, deleted_at = @now, updated_at = @now, status = 'deleted' "
            + "WHERE id = @id AND deleted = FALSE AND protected = FALSE", transaction))
        {
            command.Text("@id", id).Text("@now", now);
            if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        await using (var members = connection.Command("DELETE FROM image_members WHERE image_id = @id", transaction))
        {
            members.Text("@id", id);
            await members.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Moves the status from one of <paramref name="from"/> to <paramref name="to"/>; false when it was not in one.</summary>
    public async Task<bool> TransitionAsync(string id, IReadOnlyList<string> from, string to, string now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand();
        var names = new List<string>();
        for (var i = 0; i < from.Count; i++)
        {
            names.Add("@from" + i.ToString(CultureInfo.InvariantCulture));
            command.Text(names[i], from[i]);
        }

        command.CommandText = $"UPDATE images SET status = @to, updated_at = @now WHERE id = @id AND deleted = FALSE AND status IN ({string.Join(", ", names)})";
        command.Text("@id", id);
        command.Text("@to", to);
        command.Text("@now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Records uploaded data (and the virtual size the format inspector found, unless the image has one) and makes a saving image active; false when it was deleted meanwhile.</summary>
    public async Task<bool> CompleteUploadAsync(string id, long size, long? virtualSize, string checksum, string hashValue, string now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE images SET status = 'active', size = @size, virtual_size = COALESCE(virtual_size, @virtual_size), checksum = @checksum, os_hash_algo = 'sha512', "
            + "os_hash_value = @hash, updated_at = @now WHERE id = @id AND deleted = FALSE AND status = 'saving'";
        command.Text("@id", id);
        command.Int64("@size", size);
        command.Int64("@virtual_size", virtualSize);
        command.Text("@checksum", checksum);
        command.Text("@hash", hashValue);
        command.Text("@now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// One page of the images the database lets <paramref name="caller"/> list, as Glance's
    /// <c>image_get_all</c> selects, sorts and pages them (before the API's per-image
    /// <c>get_image</c> check):
    /// <list type="bullet">
    /// <item>an admin (<c>context_is_admin</c>): every image;</item>
    /// <item>anyone else: public and community images, the images its project owns, and shared
    /// images where its project is a member with the asked member status (<c>accepted</c> unless
    /// asked; any status for <c>all</c>); a caller without a project gets, instead of the last,
    /// every shared image that has any member at all (Glance's query drops the member filter then);</item>
    /// <item>then: a <c>visibility</c> filter keeps that visibility only (<c>all</c>: no filter);
    /// without one, community images only when the caller's project owns them (none without a project);</item>
    /// <item>then every condition of <see cref="ImageListQuery.Filters"/>;</item>
    /// <item>sorted by the query's keys, a missing value (NULL) before any other as in Glance's
    /// MySQL and SQLite (on PostgreSQL too); <c>created_at</c> is the order of creation
    /// (<c>seq</c>), which the second-precision timestamp cannot tell within a second;</item>
    /// <item>after the marker: Glance's <c>_paginate_query</c> criteria over the sort keys, a
    /// missing value compared as the column's default (<c>''</c>, 0).</item>
    /// </list>
    /// The marker is looked up as Glance's <c>_image_get</c> does (an admin finds deleted images too).
    /// </summary>
    public async Task<ImagePage> ListAsync(ImageListQuery query, Caller caller, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        command.Text("@caller", caller.ProjectId);

        if (!caller.IsAdmin)
        {
            string sharedWithMe;
            if (caller.ProjectId is null)
            {
                sharedWithMe = "(i.visibility = 'shared' AND EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = i.id))";
            }
            else
            {
                var memberStatus = query.MemberStatus == "all" ? string.Empty : " AND m.status = @member_status";
                command.Text("@member_status", query.MemberStatus);
                sharedWithMe = "(i.visibility = 'shared' AND EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = i.id AND m.member_id = @caller"
                    + memberStatus + "))";
            }

            var owned = caller.ProjectId is null ? string.Empty : " OR i.owner = @caller";
            where.Add($"(i.visibility IN ('public', 'community'){owned} OR {sharedWithMe})");
        }

        if (query.Visibility is not null)
        {
            if (query.Visibility != "all")
            {
                where.Add("i.visibility = @visibility");
                command.Text("@visibility", query.Visibility);
            }
        }
        else
        {
            where.Add(caller.ProjectId is null ? "i.visibility <> 'community'" : "(i.owner = @caller OR i.visibility <> 'community')");
        }

        for (var n = 0; n < query.Filters.Count; n++)
        {
            where.Add(Condition(command, query.Filters[n], "@f" + n.ToString(CultureInfo.InvariantCulture)));
        }

        if (query.Marker is not null)
        {
            var (lookup, marker, markerSeq) = await FindMarkerAsync(connection, query.Marker, caller, cancellationToken);
            if (lookup != MarkerLookup.Found)
            {
                return new ImagePage([], lookup);
            }

            where.Add(AfterMarker(command, query.Sort, marker!, markerSeq));
        }

        var order = string.Join(", ", query.Sort.Select(key =>
        {
            var (expression, nullable, _) = SortColumn(key.Key);
            var direction = key.Descending ? " DESC" : " ASC";
            return (nullable ? $"({expression} IS NOT NULL){direction}, " : string.Empty) + expression + direction;
        }));
        command.CommandText = "SELECT " + string.Join(", ", Columns.Split(", ").Select(c => "i." + c))
            + ", FALSE FROM images i WHERE " + string.Join(" AND ", where) + " ORDER BY " + order + " LIMIT @limit";
        command.Int32("@limit", query.Limit);
        var images = new List<ImageRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            images.Add(Read(reader, callerIsMember: false));
        }

        return new ImagePage(images, MarkerLookup.Found);
    }

    // One condition of the listing in SQL, its values bound as parameters named from prefix.
    private string Condition(DbCommand command, ImageFilter filter, string prefix)
    {
        switch (filter.Kind)
        {
            case ImageFilterKind.Tag:
                command.Text(prefix, filter.Values[0]);
                return database.JsonArrayContains("i.tags", prefix);
            case ImageFilterKind.Property:
                command.Text(prefix + "k", filter.Column);
                command.Text(prefix + "v", filter.Values[0]);
                return database.JsonObjectContains("i.properties", prefix + "k", prefix + "v");
            case ImageFilterKind.Never:
                return "1 = 0";
            case ImageFilterKind.In:
                var names = new List<string>();
                for (var n = 0; n < filter.Values.Count; n++)
                {
                    names.Add(prefix + "_" + n.ToString(CultureInfo.InvariantCulture));
                    command.Text(names[^1], filter.Values[n]);
                }

                return $"i.{ColumnName(filter.Column)} IN ({string.Join(", ", names)})";
        }

        var column = "i." + ColumnName(filter.Column);
        switch (ImageFilter.Columns[filter.Column])
        {
            case ImageColumnType.Integer:
                command.Int64(prefix, long.Parse(filter.Values[0], CultureInfo.InvariantCulture));
                break;
            case ImageColumnType.Boolean when filter.AsNumber:
                command.Int64(prefix, long.Parse(filter.Values[0], CultureInfo.InvariantCulture));
                column = $"(CASE WHEN {column} THEN 1 ELSE 0 END)";
                break;
            case ImageColumnType.Boolean:
                command.Boolean(prefix, filter.Values[0] == "true");
                break;
            default:
                command.Text(prefix, filter.Values[0]);
                break;
        }

        return $"{column} {filter.Operator} {prefix}";
    }

    // The column names of ImageFilter.Columns are the table's own; anything else never gets here.
    private static string ColumnName(string column) =>
        ImageFilter.Columns.ContainsKey(column) ? column : throw new ArgumentException($"Not an image column: {column}", nameof(column));

    // A sort key's SQL, whether it can be NULL, and its default for _paginate_query's comparisons.
    private static (string Expression, bool Nullable, object Default) SortColumn(string key) => key switch
    {
        "created_at" => ("i.seq", false, 0L),
        "size" => ("i.size", true, 0L),
        "name" or "container_format" or "disk_format" => ("i." + key, true, string.Empty),
        "status" or "id" or "updated_at" => ("i." + key, false, string.Empty),
        _ => throw new ArgumentException($"Not a sort key: {key}", nameof(key)),
    };

    // _paginate_query: (k1 > m1) OR (k1 = m1 AND k2 > m2) OR ..., each direction its comparison.
    private static string AfterMarker(DbCommand command, IReadOnlyList<ImageSortKey> sort, ImageRecord marker, long markerSeq)
    {
        for (var j = 0; j < sort.Count; j++)
        {
            var name = "@m" + j.ToString(CultureInfo.InvariantCulture);
            var value = MarkerValue(marker, markerSeq, sort[j].Key) ?? SortColumn(sort[j].Key).Default;
            if (value is long number)
            {
                command.Int64(name, number);
            }
            else
            {
                command.Text(name, (string)value);
            }
        }

        var criteria = new List<string>();
        for (var i = 0; i < sort.Count; i++)
        {
            var parts = new List<string>();
            for (var j = 0; j <= i; j++)
            {
                var (expression, nullable, fallback) = SortColumn(sort[j].Key);
                var name = "@m" + j.ToString(CultureInfo.InvariantCulture);
                var attribute = nullable ? $"COALESCE({expression}, {(fallback is long ? "0" : "''")})" : expression;
                parts.Add(j < i ? $"{attribute} = {name}" : $"{attribute} {(sort[j].Descending ? "<" : ">")} {name}");
            }

            criteria.Add("(" + string.Join(" AND ", parts) + ")");
        }

        return "(" + string.Join(" OR ", criteria) + ")";
    }

    private static object? MarkerValue(ImageRecord marker, long markerSeq, string key) => key switch
    {
        "created_at" => markerSeq,
        "size" => marker.Size,
        "name" => marker.Name,
        "container_format" => marker.ContainerFormat,
        "disk_format" => marker.DiskFormat,
        "status" => marker.Status,
        "id" => marker.Id,
        "updated_at" => marker.UpdatedAt,
        _ => throw new ArgumentException($"Not a sort key: {key}", nameof(key)),
    };

    // _image_get for the marker: longer than an id can be → ImageNotFound() (its unformatted
    // message); missing (or deleted, unless admin) → ImageNotFound; not visible → Forbidden.
    private static async Task<(MarkerLookup Lookup, ImageRecord? Marker, long Seq)> FindMarkerAsync(DbConnection connection, string marker, Caller caller, CancellationToken cancellationToken)
    {
        if (marker.Length > 36)
        {
            return (MarkerLookup.TooLong, null, 0);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + Columns
            + ", EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = images.id AND m.member_id = @caller), seq "
            + "FROM images WHERE id = @id AND (deleted = FALSE OR @admin)";
        command.Text("@id", marker);
        command.Text("@caller", caller.ProjectId);
        command.Boolean("@admin", caller.IsAdmin);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (MarkerLookup.Missing, null, 0);
        }

        var image = Read(reader, callerIsMember: reader.GetBoolean(20));
        var visible = ImageVisibility.IsVisible(image.ToFacts(), caller.IsAdmin, caller.ProjectId, image.CallerIsMember);
        return (visible ? MarkerLookup.Found : MarkerLookup.NotVisible, image, reader.GetInt64(21));
    }

    private static void Bind(DbCommand command, ImageRecord image)
    {
        command.Text("@id", image.Id)
            .Text("@name", image.Name)
            .Text("@status", image.Status)
            .Text("@visibility", image.Visibility)
            .Text("@owner", image.Owner)
            .Boolean("@protected", image.Protected)
            .Boolean("@os_hidden", image.OsHidden)
            .Text("@disk_format", image.DiskFormat)
            .Text("@container_format", image.ContainerFormat)
            .Int64("@min_disk", image.MinDisk)
            .Int64("@min_ram", image.MinRam)
            .Int64("@size", image.Size)
            .Int64("@virtual_size", image.VirtualSize)
            .Text("@checksum", image.Checksum)
            .Text("@os_hash_algo", image.OsHashAlgo)
            .Text("@os_hash_value", image.OsHashValue)
            .Text("@tags", JsonSerializer.Serialize(image.Tags, StoreJsonContext.Default.ListString))
            .Text("@properties", JsonSerializer.Serialize(image.Properties.ToDictionary(), StoreJsonContext.Default.DictionaryStringString))
            .Text("@updated_at", image.UpdatedAt);
    }

    internal static ImageRecord Read(DbDataReader reader, bool callerIsMember)
    {
        var properties = JsonSerializer.Deserialize(reader.GetString(17), StoreJsonContext.Default.DictionaryStringString) ?? [];
        return new ImageRecord
        {
            Id = reader.GetString(0),
            Name = reader.IsDBNull(1) ? null : reader.GetString(1),
            Status = reader.GetString(2),
            Visibility = reader.GetString(3),
            Owner = reader.IsDBNull(4) ? null : reader.GetString(4),
            Protected = reader.GetBoolean(5),
            OsHidden = reader.GetBoolean(6),
            DiskFormat = reader.IsDBNull(7) ? null : reader.GetString(7),
            ContainerFormat = reader.IsDBNull(8) ? null : reader.GetString(8),
            MinDisk = reader.GetInt64(9),
            MinRam = reader.GetInt64(10),
            Size = reader.IsDBNull(11) ? null : reader.GetInt64(11),
            VirtualSize = reader.IsDBNull(12) ? null : reader.GetInt64(12),
            Checksum = reader.IsDBNull(13) ? null : reader.GetString(13),
            OsHashAlgo = reader.IsDBNull(14) ? null : reader.GetString(14),
            OsHashValue = reader.IsDBNull(15) ? null : reader.GetString(15),
            Tags = JsonSerializer.Deserialize(reader.GetString(16), StoreJsonContext.Default.ListString) ?? [],
            Properties = [.. properties],
            CreatedAt = reader.GetString(18),
            UpdatedAt = reader.GetString(19),
            CallerIsMember = callerIsMember,
        };
    }
}
