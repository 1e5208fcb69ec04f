using System.Data.Common;
using System.Text;
using Glance.ImageStore.Metadefs;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// Reads and writes metadata definitions (glance/db/sqlalchemy/metadef_api), one SQL text for
/// both engines. Every write is one transaction: a namespace created with its contents is all
/// there or not at all (Glance creates the pieces one by one and removes the namespace when one
/// fails, which leaves the same state).
/// </summary>
internal sealed class MetadefRepository(IStoreDatabase database)
{
    /// <summary>The namespace columns every query reads, in <see cref="ReadNamespace"/>'s order.</summary>
    private const string NamespaceColumns = "n.id, n.namespace, n.display_name, n.description, n.visibility, n.protected, n.owner, n.created_at, n.updated_at";

    /// <summary>The columns a listing may sort by (the model's); any other is Glance's 500.</summary>
    public static readonly string[] SortKeys = ["id", "namespace", "display_name", "description", "visibility", "protected", "owner", "created_at", "updated_at"];

    /// <summary>The namespace named <paramref name="name"/>, visible or not, or null.</summary>
    public async Task<MetadefNamespace?> FindNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {NamespaceColumns} FROM metadef_namespaces n WHERE n.namespace = @name").Text("@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadNamespace(reader) : null;
    }

    /// <summary>
    /// <c>namespace.get_all</c>: the namespaces the caller may see (an admin every one, anyone
    /// else the public ones and its project's), filtered, sorted by the key then
    /// <c>created_at</c> and <c>id</c> in one direction, after the marker, at most the limit.
    /// </summary>
    public async Task<List<MetadefNamespace>> ListNamespacesAsync(MetadefNamespaceQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {NamespaceColumns} FROM metadef_namespaces n WHERE 1 = 1");
        if (!query.IsAdmin)
        {
            sql.Append(query.Project is null ? " AND n.visibility = 'public'" : " AND (n.owner = @project OR n.visibility = 'public')");
            command.Text("@project", query.Project);
        }

        if (query.Visibility is not null)
        {
            sql.Append(" AND n.visibility = @visibility");
            command.Text("@visibility", query.Visibility);
        }

        if (query.ResourceTypes is { } types)
        {
            sql.Append(" AND n.id IN (SELECT a.namespace_id FROM metadef_namespace_resource_types a JOIN metadef_resource_types r ON r.id = a.resource_type_id WHERE r.name IN (");
            for (var i = 0; i < types.Count; i++)
            {
                sql.Append(i == 0 ? "@rt0" : $", @rt{i}");
                command.Text($"@rt{i}", types[i]);
            }

            sql.Append("))");
        }

        var keys = query.SortKey is "created_at" or "id" ? new[] { "created_at", "id" } : [query.SortKey, "created_at", "id"];
        var op = query.Descending ? "<" : ">";
        if (query.Marker is { } marker)
        {
            // oslo.db's paginate_query: (k1 op m1) or (k1 = m1 and k2 op m2) or ...
            sql.Append(" AND (");
            for (var i = 0; i < keys.Length; i++)
            {
                sql.Append(i == 0 ? "(" : " OR (");
                for (var j = 0; j < i; j++)
                {
                    sql.Append($"n.{keys[j]} = @m{j} AND ");
                }

                sql.Append($"n.{keys[i]} {op} @m{i})");
            }

            sql.Append(')');
            for (var i = 0; i < keys.Length; i++)
            {
                AddMarkerValue(command, $"@m{i}", keys[i], marker);
            }
        }

        sql.Append(" ORDER BY ").AppendJoin(", ", keys.Select(k => $"n.{k} {(query.Descending ? "DESC" : "ASC")}"));
        sql.Append(" LIMIT @limit");
        command.Int64("@limit", query.Limit);
        command.CommandText = sql.ToString();
        var list = new List<MetadefNamespace>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadNamespace(reader));
        }

        return list;
    }

    /// <summary>The resource type associations of each of <paramref name="namespaceIds"/>, by namespace id, in the types' order.</summary>
    public async Task<Dictionary<long, List<MetadefAssociation>>> AssociationsAsync(IReadOnlyCollection<long> namespaceIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, List<MetadefAssociation>>();
        if (namespaceIds.Count == 0)
        {
            return result;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var names = new List<string>();
        var i = 0;
        foreach (var id in namespaceIds)
        {
            names.Add($"@ns{i}");
            command.Int64($"@ns{i}", id);
            i++;
        }

        command.CommandText = "SELECT a.namespace_id, r.name, a.prefix, a.properties_target, a.created_at, a.updated_at FROM metadef_namespace_resource_types a "
            + $"JOIN metadef_resource_types r ON r.id = a.resource_type_id WHERE a.namespace_id IN ({string.Join(", ", names)}) ORDER BY a.namespace_id, a.created_at, r.id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var nsId = reader.GetInt64(0);
            if (!result.TryGetValue(nsId, out var list))
            {
                result[nsId] = list = [];
            }

            list.Add(new MetadefAssociation(reader.GetString(1), NullableText(reader, 2), NullableText(reader, 3), reader.GetString(4), NullableText(reader, 5)));
        }

        return result;
    }

    /// <summary>
    /// Everything <paramref name="namespaceId"/> holds: associations in creation order, objects and
    /// properties by name (the order SQLite's unique index on (namespace_id, name) gives Glance's
    /// unordered queries), tags newest first.
    /// </summary>
    public async Task<MetadefContents> ContentsAsync(long namespaceId, CancellationToken cancellationToken)
    {
        var associations = (await AssociationsAsync([namespaceId], cancellationToken)).GetValueOrDefault(namespaceId) ?? [];
        await using var connection = await database.OpenAsync(cancellationToken);
        return new MetadefContents(
            associations,
            await ObjectsAsync(connection, namespaceId, null, cancellationToken),
            await PropertiesAsync(connection, namespaceId, null, cancellationToken),
            await TagsAsync(connection, namespaceId, null, cancellationToken));
    }

    /// <summary>The objects of a namespace (one by name, or all by id).</summary>
    public async Task<List<MetadefObject>> ObjectsAsync(long namespaceId, string? name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ObjectsAsync(connection, namespaceId, name, cancellationToken);
    }

    /// <summary>The properties of a namespace (one by name, or all by id).</summary>
    public async Task<List<MetadefProperty>> PropertiesAsync(long namespaceId, string? name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await PropertiesAsync(connection, namespaceId, name, cancellationToken);
    }

    /// <summary>The tags of a namespace (one by name, or all newest first).</summary>
    public async Task<List<MetadefTag>> TagsAsync(long namespaceId, string? name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await TagsAsync(connection, namespaceId, name, cancellationToken);
    }

    /// <summary>The tag columns a listing may sort by; any other is Glance's 500.</summary>
    public static readonly string[] TagSortKeys = ["id", "namespace_id", "name", "created_at", "updated_at"];

    /// <summary>
    /// <c>tag.get_all</c>: the tags of a namespace sorted by the key then <c>created_at</c> and
    /// <c>id</c> in one direction, after the marker tag (by name), at most <paramref name="limit"/>.
    /// </summary>
    public async Task<List<MetadefTag>> TagPageAsync(long namespaceId, string? marker, int? limit, string sortKey, bool descending, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var keys = sortKey is "created_at" or "id" ? new[] { "created_at", "id" } : [sortKey, "created_at", "id"];
        var op = descending ? "<" : ">";
        var sql = new StringBuilder("SELECT t.name, t.created_at, t.updated_at FROM metadef_tags t");
        if (marker is not null)
        {
            sql.Append(" JOIN metadef_tags m ON m.namespace_id = t.namespace_id AND m.name = @marker");
            command.Text("@marker", marker);
        }

        sql.Append(" WHERE t.namespace_id = @ns");
        command.Int64("@ns", namespaceId);
        if (marker is not null)
        {
            sql.Append(" AND (");
            for (var i = 0; i < keys.Length; i++)
            {
                sql.Append(i == 0 ? "(" : " OR (");
                for (var j = 0; j < i; j++)
                {
                    sql.Append($"t.{keys[j]} = m.{keys[j]} AND ");
                }

                sql.Append($"t.{keys[i]} {op} m.{keys[i]})");
            }

            sql.Append(')');
        }

        sql.Append(" ORDER BY ").AppendJoin(", ", keys.Select(k => $"t.{k} {(descending ? "DESC" : "ASC")}"));
        if (limit is { } max)
        {
            sql.Append(" LIMIT @limit");
            command.Int64("@limit", max);
        }

        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<MetadefTag>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new MetadefTag(reader.GetString(0), reader.GetString(1), NullableText(reader, 2)));
        }

        return list;
    }

    /// <summary>Every resource type, in creation order.</summary>
    public async Task<List<MetadefResourceType>> ResourceTypesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT name, created_at, updated_at FROM metadef_resource_types ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<MetadefResourceType>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new MetadefResourceType(reader.GetString(0), reader.GetString(1), NullableText(reader, 2)));
        }

        return list;
    }

    /// <summary>
    /// Creates a namespace with its contents in one transaction. Returns null when created, else
    /// the duplicate's Glance message (the namespace, or a piece of it).
    /// </summary>
    public async Task<string?> CreateNamespaceAsync(NewMetadefNamespace ns, string now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await ExistsAsync(connection, transaction, "SELECT 1 FROM metadef_namespaces WHERE namespace = @name", ns.Namespace, cancellationToken))
        {
            return $"The metadata definition namespace={ns.Namespace} already exists.";
        }

        await using (var insert = connection.Command(
            "INSERT INTO metadef_namespaces (namespace, display_name, description, visibility, protected, owner, created_at, updated_at) "
            + "VALUES (@namespace, @display_name, @description, @visibility, @protected, @owner, @now, @now)", transaction))
        {
            insert.Text("@namespace", ns.Namespace).Text("@display_name", ns.DisplayName).Text("@description", ns.Description)
                .Text("@visibility", ns.Visibility).Text("@owner", ns.Owner).Text("@now", now);
            NullableBoolean(insert, "@protected", ns.Protected);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var id = await NamespaceIdAsync(connection, transaction, ns.Namespace, cancellationToken);
        foreach (var (name, prefix, target) in ns.Associations)
        {
            if (await AssociateAsync(connection, transaction, id, ns.Namespace, name, prefix, target, now, cancellationToken) is { } duplicate)
            {
                return duplicate;
            }
        }

        foreach (var o in ns.Objects)
        {
            if (await InsertObjectAsync(connection, transaction, id, ns.Namespace, o.Name, o.Description, o.Required, o.JsonSchema, now, cancellationToken) is { } duplicate)
            {
                return duplicate;
            }
        }

        foreach (var tag in ns.Tags)
        {
            if (await InsertTagAsync(connection, transaction, id, ns.Namespace, tag, now, cancellationToken) is { } duplicate)
            {
                return duplicate;
            }
        }

        foreach (var (name, schema) in ns.Properties)
        {
            if (await InsertPropertyAsync(connection, transaction, id, ns.Namespace, name, schema, now, cancellationToken) is { } duplicate)
            {
                return duplicate;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>Replaces a namespace's attributes; false when the new name is another namespace's.</summary>
    public async Task<bool> UpdateNamespaceAsync(MetadefNamespace ns, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var check = connection.Command("SELECT 1 FROM metadef_namespaces WHERE namespace = @name AND id <> @id", transaction))
        {
            check.Text("@name", ns.Namespace).Int64("@id", ns.Id);
            if (await check.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return false;
            }
        }

        await using (var update = connection.Command(
            "UPDATE metadef_namespaces SET namespace = @namespace, display_name = @display_name, description = @description, "
            + "visibility = @visibility, protected = @protected, owner = @owner, updated_at = @updated_at WHERE id = @id", transaction))
        {
            update.Text("@namespace", ns.Namespace).Text("@display_name", ns.DisplayName).Text("@description", ns.Description)
                .Text("@visibility", ns.Visibility).Boolean("@protected", ns.Protected ?? false).Text("@owner", ns.Owner)
                .Text("@updated_at", ns.UpdatedAt).Int64("@id", ns.Id);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Deletes a namespace and everything it holds (<c>delete_cascade</c>).</summary>
    public Task DeleteNamespaceAsync(long namespaceId, CancellationToken cancellationToken) =>
        ExecuteAsync(
            [
                "DELETE FROM metadef_tags WHERE namespace_id = @id",
                "DELETE FROM metadef_objects WHERE namespace_id = @id",
                "DELETE FROM metadef_properties WHERE namespace_id = @id",
                "DELETE FROM metadef_namespace_resource_types WHERE namespace_id = @id",
                "DELETE FROM metadef_namespaces WHERE id = @id",
            ],
            namespaceId,
            cancellationToken);

    /// <summary>Deletes every row of <paramref name="table"/> (<c>metadef_objects</c>, <c>metadef_properties</c> or <c>metadef_tags</c>) of a namespace.</summary>
    public Task DeleteContentAsync(string table, long namespaceId, CancellationToken cancellationToken) =>
        table is "metadef_objects" or "metadef_properties" or "metadef_tags"
            ? ExecuteAsync([$"DELETE FROM {table} WHERE namespace_id = @id"], namespaceId, cancellationToken)
            : throw new ArgumentOutOfRangeException(nameof(table));

    /// <summary>Associates a resource type (created when new) with a namespace; null, or the duplicate's Glance message.</summary>
    public async Task<string?> AssociateAsync(long namespaceId, string namespaceName, string name, string? prefix, string? target, string now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        await using var transaction = await lease.Connection.BeginTransactionAsync(cancellationToken);
        var duplicate = await AssociateAsync(lease.Connection, transaction, namespaceId, namespaceName, name, prefix, target, now, cancellationToken);
        if (duplicate is null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return duplicate;
    }

    /// <summary>Removes the association of <paramref name="name"/> with a namespace; false when there was none.</summary>
    public async Task<bool> DissociateAsync(long namespaceId, string name, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        await using var command = lease.Connection.Command(
            "DELETE FROM metadef_namespace_resource_types WHERE namespace_id = @id AND resource_type_id IN (SELECT id FROM metadef_resource_types WHERE name = @name)");
        command.Int64("@id", namespaceId).Text("@name", name);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Adds an object; null, or the duplicate's Glance message.</summary>
    public Task<string?> AddObjectAsync(long namespaceId, string namespaceName, MetadefObject o, CancellationToken cancellationToken) =>
        InTransactionAsync((c, t) => InsertObjectAsync(c, t, namespaceId, namespaceName, o.Name, o.Description, o.Required, o.JsonSchema, o.CreatedAt, cancellationToken), cancellationToken);

    /// <summary>Adds a property; null, or the duplicate's Glance message.</summary>
    public Task<string?> AddPropertyAsync(long namespaceId, string namespaceName, string name, string schema, string now, CancellationToken cancellationToken) =>
        InTransactionAsync((c, t) => InsertPropertyAsync(c, t, namespaceId, namespaceName, name, schema, now, cancellationToken), cancellationToken);

    /// <summary>Adds tags (after removing every tag first, unless appending); null, or the first duplicate's Glance message.</summary>
    public Task<string?> AddTagsAsync(long namespaceId, string namespaceName, IReadOnlyList<string> names, bool replace, string now, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async (c, t) =>
            {
                if (replace)
                {
                    await using var delete = c.Command("DELETE FROM metadef_tags WHERE namespace_id = @id", t).Int64("@id", namespaceId);
                    await delete.ExecuteNonQueryAsync(cancellationToken);
                }

                foreach (var name in names)
                {
                    if (await InsertTagAsync(c, t, namespaceId, namespaceName, name, now, cancellationToken) is { } duplicate)
                    {
                        return duplicate;
                    }
                }

                return null;
            },
            cancellationToken);

    /// <summary>
    /// Renames or rewrites one row of <paramref name="table"/> (objects, properties, tags): its
    /// name, the columns given, and <c>updated_at</c>. Returns false when the new name is taken.
    /// </summary>
    public Task<string?> UpdateRowAsync(string table, long namespaceId, string oldName, string newName, IReadOnlyList<(string Column, string? Value)> columns, string now, string duplicateMessage, CancellationToken cancellationToken)
    {
        if (table is not ("metadef_objects" or "metadef_properties" or "metadef_tags"))
        {
            throw new ArgumentOutOfRangeException(nameof(table));
        }

        return InTransactionAsync(
            async (c, t) =>
            {
                if (newName != oldName)
                {
                    await using var check = c.Command($"SELECT 1 FROM {table} WHERE namespace_id = @id AND name = @name", t).Int64("@id", namespaceId).Text("@name", newName);
                    if (await check.ExecuteScalarAsync(cancellationToken) is not null)
                    {
                        return duplicateMessage;
                    }
                }

                var set = string.Concat(columns.Select((col, i) => $", {col.Column} = @c{i}"));
                await using var update = c.Command($"UPDATE {table} SET name = @name, updated_at = @now{set} WHERE namespace_id = @id AND name = @old", t);
                update.Text("@name", newName).Text("@now", now).Int64("@id", namespaceId).Text("@old", oldName);
                for (var i = 0; i < columns.Count; i++)
                {
                    update.Text($"@c{i}", columns[i].Value);
                }

                await update.ExecuteNonQueryAsync(cancellationToken);
                return null;
            },
            cancellationToken);
    }

    /// <summary>Deletes one row of <paramref name="table"/> by name; false when there was none.</summary>
    public async Task<bool> DeleteRowAsync(string table, long namespaceId, string name, CancellationToken cancellationToken)
    {
        if (table is not ("metadef_objects" or "metadef_properties" or "metadef_tags"))
        {
            throw new ArgumentOutOfRangeException(nameof(table));
        }

        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        await using var command = lease.Connection.Command($"DELETE FROM {table} WHERE namespace_id = @id AND name = @name").Int64("@id", namespaceId).Text("@name", name);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>
    /// Loads the shipped definitions once per database, as <c>glance-manage db_load_metadefs</c>
    /// (without <c>--merge</c>): a namespace that exists already is skipped. The mark in
    /// <c>metadef_loads</c> is written in the same transaction, so that replicas starting
    /// together load once and a namespace deleted later is not loaded again. True when it loaded.
    /// </summary>
    public async Task<bool> LoadDefinitionsOnceAsync(string mark, IReadOnlyList<NewMetadefNamespace> definitions, Func<string> now, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        var connection = lease.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var claim = connection.Command("INSERT INTO metadef_loads (name, loaded_at) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING", transaction))
        {
            claim.Text("@name", mark).Text("@now", now());
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        foreach (var ns in definitions)
        {
            if (await ExistsAsync(connection, transaction, "SELECT 1 FROM metadef_namespaces WHERE namespace = @name", ns.Namespace, cancellationToken))
            {
                continue;
            }

            await using (var insert = connection.Command(
                "INSERT INTO metadef_namespaces (namespace, display_name, description, visibility, protected, owner, created_at, updated_at) "
                + "VALUES (@namespace, @display_name, @description, @visibility, @protected, @owner, @now, NULL)", transaction))
            {
                insert.Text("@namespace", ns.Namespace).Text("@display_name", ns.DisplayName).Text("@description", ns.Description)
                    .Text("@visibility", ns.Visibility).Text("@owner", ns.Owner).Text("@now", now());
                NullableBoolean(insert, "@protected", ns.Protected);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            var id = await NamespaceIdAsync(connection, transaction, ns.Namespace, cancellationToken);
            foreach (var (name, prefix, target) in ns.Associations)
            {
                var typeId = await ResourceTypeIdAsync(connection, transaction, name, cancellationToken)
                    ?? await InsertResourceTypeAsync(connection, transaction, name, isProtected: true, now(), updatedAt: null, cancellationToken);
                await using var insert = connection.Command(
                    "INSERT INTO metadef_namespace_resource_types (resource_type_id, namespace_id, properties_target, prefix, created_at, updated_at) "
                    + "VALUES (@type, @ns, @target, @prefix, @now, NULL) ON CONFLICT DO NOTHING", transaction);
                insert.Int64("@type", typeId).Int64("@ns", id).Text("@target", target).Text("@prefix", prefix).Text("@now", now());
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var (name, schema) in ns.Properties)
            {
                await using var insert = connection.Command(
                    "INSERT INTO metadef_properties (namespace_id, name, json_schema, created_at, updated_at) VALUES (@ns, @name, @schema, @now, NULL) ON CONFLICT DO NOTHING", transaction);
                insert.Int64("@ns", id).Text("@name", name).Text("@schema", schema).Text("@now", now());
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var o in ns.Objects)
            {
                await using var insert = connection.Command(
                    "INSERT INTO metadef_objects (namespace_id, name, description, required, json_schema, created_at, updated_at) "
                    + "VALUES (@ns, @name, @description, NULL, @schema, @now, NULL) ON CONFLICT DO NOTHING", transaction);
                insert.Int64("@ns", id).Text("@name", o.Name).Text("@description", o.Description).Text("@schema", o.JsonSchema).Text("@now", now());
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var tag in ns.Tags)
            {
                await using var insert = connection.Command(
                    "INSERT INTO metadef_tags (namespace_id, name, created_at, updated_at) VALUES (@ns, @name, @now, NULL) ON CONFLICT DO NOTHING", transaction);
                insert.Int64("@ns", id).Text("@name", tag).Text("@now", now());
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<string?> InTransactionAsync(Func<DbConnection, DbTransaction, Task<string?>> work, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        await using var transaction = await lease.Connection.BeginTransactionAsync(cancellationToken);
        var problem = await work(lease.Connection, transaction);
        if (problem is null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return problem;
    }

    private async Task ExecuteAsync(string[] statements, long namespaceId, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        await using var transaction = await lease.Connection.BeginTransactionAsync(cancellationToken);
        foreach (var sql in statements)
        {
            await using var command = lease.Connection.Command(sql, transaction).Int64("@id", namespaceId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<string?> AssociateAsync(DbConnection connection, DbTransaction transaction, long namespaceId, string namespaceName, string name, string? prefix, string? target, string now, CancellationToken cancellationToken)
    {
        var typeId = await ResourceTypeIdAsync(connection, transaction, name, cancellationToken)
            ?? await InsertResourceTypeAsync(connection, transaction, name, isProtected: false, now, now, cancellationToken);
        await using (var check = connection.Command("SELECT 1 FROM metadef_namespace_resource_types WHERE namespace_id = @ns AND resource_type_id = @type", transaction))
        {
            check.Int64("@ns", namespaceId).Int64("@type", typeId);
            if (await check.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return $"The metadata definition resource-type association of resource-type={name} to namespace={namespaceName} already exists.";
            }
        }

        await using var insert = connection.Command(
            "INSERT INTO metadef_namespace_resource_types (resource_type_id, namespace_id, properties_target, prefix, created_at, updated_at) "
            + "VALUES (@type, @ns, @target, @prefix, @now, @now)", transaction);
        insert.Int64("@type", typeId).Int64("@ns", namespaceId).Text("@target", target).Text("@prefix", prefix).Text("@now", now);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return null;
    }

    private static async Task<string?> InsertObjectAsync(DbConnection connection, DbTransaction transaction, long namespaceId, string namespaceName, string name, string? description, string? required, string schema, string now, CancellationToken cancellationToken)
    {
        if (await RowExistsAsync(connection, transaction, "metadef_objects", namespaceId, name, cancellationToken))
        {
            return $"A metadata definition object with name={name} already exists in namespace={namespaceName}.";
        }

        await using var insert = connection.Command(
            "INSERT INTO metadef_objects (namespace_id, name, description, required, json_schema, created_at, updated_at) VALUES (@ns, @name, @description, @required, @schema, @now, @now)", transaction);
        insert.Int64("@ns", namespaceId).Text("@name", name).Text("@description", description).Text("@required", required).Text("@schema", schema).Text("@now", now);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return null;
    }

    private static async Task<string?> InsertPropertyAsync(DbConnection connection, DbTransaction transaction, long namespaceId, string namespaceName, string name, string schema, string now, CancellationToken cancellationToken)
    {
        if (await RowExistsAsync(connection, transaction, "metadef_properties", namespaceId, name, cancellationToken))
        {
            return $"A metadata definition property with name={name} already exists in namespace={namespaceName}.";
        }

        await using var insert = connection.Command(
            "INSERT INTO metadef_properties (namespace_id, name, json_schema, created_at, updated_at) VALUES (@ns, @name, @schema, @now, @now)", transaction);
        insert.Int64("@ns", namespaceId).Text("@name", name).Text("@schema", schema).Text("@now", now);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return null;
    }

    private static async Task<string?> InsertTagAsync(DbConnection connection, DbTransaction transaction, long namespaceId, string namespaceName, string name, string now, CancellationToken cancellationToken)
    {
        if (await RowExistsAsync(connection, transaction, "metadef_tags", namespaceId, name, cancellationToken))
        {
            return $"A metadata tag with name={name} already exists in namespace={namespaceName}. (Please note that metadata tag names are case insensitive).";
        }

        await using var insert = connection.Command(
            "INSERT INTO metadef_tags (namespace_id, name, created_at, updated_at) VALUES (@ns, @name, @now, @now)", transaction);
        insert.Int64("@ns", namespaceId).Text("@name", name).Text("@now", now);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return null;
    }

    private static async Task<bool> RowExistsAsync(DbConnection connection, DbTransaction transaction, string table, long namespaceId, string name, CancellationToken cancellationToken)
    {
        await using var check = connection.Command($"SELECT 1 FROM {table} WHERE namespace_id = @ns AND name = @name", transaction).Int64("@ns", namespaceId).Text("@name", name);
        return await check.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static async Task<bool> ExistsAsync(DbConnection connection, DbTransaction transaction, string sql, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(sql, transaction).Text("@name", name);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static async Task<long> NamespaceIdAsync(DbConnection connection, DbTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT id FROM metadef_namespaces WHERE namespace = @name", transaction).Text("@name", name);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<long?> ResourceTypeIdAsync(DbConnection connection, DbTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT id FROM metadef_resource_types WHERE name = @name", transaction).Text("@name", name);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<long> InsertResourceTypeAsync(DbConnection connection, DbTransaction transaction, string name, bool isProtected, string now, string? updatedAt, CancellationToken cancellationToken)
    {
        await using (var insert = connection.Command("INSERT INTO metadef_resource_types (name, protected, created_at, updated_at) VALUES (@name, @protected, @now, @updated)", transaction))
        {
            insert.Text("@name", name).Boolean("@protected", isProtected).Text("@now", now).Text("@updated", updatedAt);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return (await ResourceTypeIdAsync(connection, transaction, name, cancellationToken))!.Value;
    }

    private static async Task<List<MetadefObject>> ObjectsAsync(DbConnection connection, long namespaceId, string? name, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            "SELECT name, description, required, json_schema, created_at, updated_at FROM metadef_objects WHERE namespace_id = @ns"
            + (name is null ? " ORDER BY name" : " AND name = @name")).Int64("@ns", namespaceId).Text("@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<MetadefObject>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new MetadefObject(reader.GetString(0), NullableText(reader, 1), NullableText(reader, 2), reader.GetString(3), reader.GetString(4), NullableText(reader, 5)));
        }

        return list;
    }

    private static async Task<List<MetadefProperty>> PropertiesAsync(DbConnection connection, long namespaceId, string? name, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            "SELECT name, json_schema, created_at, updated_at FROM metadef_properties WHERE namespace_id = @ns"
            + (name is null ? " ORDER BY name" : " AND name = @name")).Int64("@ns", namespaceId).Text("@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<MetadefProperty>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new MetadefProperty(reader.GetString(0), reader.GetString(1), reader.GetString(2), NullableText(reader, 3)));
        }

        return list;
    }

    private static async Task<List<MetadefTag>> TagsAsync(DbConnection connection, long namespaceId, string? name, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            "SELECT name, created_at, updated_at FROM metadef_tags WHERE namespace_id = @ns"
            + (name is null ? " ORDER BY created_at DESC, id DESC" : " AND name = @name")).Int64("@ns", namespaceId).Text("@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<MetadefTag>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new MetadefTag(reader.GetString(0), reader.GetString(1), NullableText(reader, 2)));
        }

        return list;
    }

    private static void AddMarkerValue(DbCommand command, string parameter, string key, MetadefNamespace marker)
    {
        switch (key)
        {
            case "id":
                command.Int64(parameter, marker.Id);
                break;
            case "protected":
                command.Boolean(parameter, marker.Protected ?? false);
                break;
            default:
                command.Text(parameter, key switch
                {
                    "namespace" => marker.Namespace,
                    "display_name" => marker.DisplayName,
                    "description" => marker.Description,
                    "visibility" => marker.Visibility,
                    "owner" => marker.Owner,
                    "created_at" => marker.CreatedAt,
                    _ => marker.UpdatedAt,
                });
                break;
        }
    }

    private static MetadefNamespace ReadNamespace(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        NullableText(reader, 2),
        NullableText(reader, 3),
        NullableText(reader, 4),
        reader.IsDBNull(5) ? null : reader.GetBoolean(5),
        reader.GetString(6),
        reader.GetString(7),
        NullableText(reader, 8));

    private static void NullableBoolean(DbCommand command, string name, bool? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = System.Data.DbType.Boolean;
        parameter.Value = value is { } flag ? flag : DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static string? NullableText(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
