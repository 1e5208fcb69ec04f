using System.Data.Common;
using Glance.ImageStore.Tasks;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// Reads and writes task rows (schema version 4), in one SQL text for both engines. A task that
/// expired (<c>expires_at</c> passed) is never read again, as Glance's queries leave them out.
/// Status changes are conditional on the status read, so a task moves along Glance's transitions
/// only once even with several replicas.
/// </summary>
internal sealed class TaskRepository(IStoreDatabase database, TimeProvider time)
{
    private const string Columns = "id, type, status, owner, image_id, request_id, user_id, input, result, message, expires_at, created_at, updated_at";

    public async Task InsertAsync(TaskRecord task, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        await using var command = lease.Connection.Command("INSERT INTO tasks (" + Columns + ") VALUES (@id, @type, @status, @owner, @image_id, "
            + "@request_id, @user_id, @input, @result, @message, @expires_at, @created_at, @updated_at)");
        Bind(command, task);
        command.Text("@type", task.Type).Text("@owner", task.Owner).Text("@image_id", task.ImageId).Text("@request_id", task.RequestId)
            .Text("@user_id", task.UserId).Text("@input", task.Input).Text("@created_at", task.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Writes status, result, message, expiry and updated_at when the row still has <paramref name="fromStatus"/>; false otherwise.</summary>
    public async Task<bool> UpdateAsync(TaskRecord task, string fromStatus, CancellationToken cancellationToken)
    {
        await using var lease = await database.OpenForWriteAsync(cancellationToken);
        await using var command = lease.Connection.Command("UPDATE tasks SET status = @status, result = @result, message = @message, "
            + "expires_at = @expires_at, updated_at = @updated_at WHERE id = @id AND status = @from");
        Bind(command, task);
        command.Text("@from", fromStatus);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The task with this id unless expired (any owner: callers apply visibility).</summary>
    public async Task<TaskRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT " + Columns + " FROM tasks WHERE id = @id AND " + NotExpired);
        command.Text("@id", id).Text("@now", TaskTime.Store(time.GetUtcNow()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>The tasks of an image, oldest first (Glance's <c>tasks_get_by_image</c>); <paramref name="owner"/> null: all owners.</summary>
    public async Task<List<TaskRecord>> ForImageAsync(string imageId, string? owner, bool all, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT " + Columns + " FROM tasks WHERE image_id = @image_id AND " + NotExpired
            + (all ? string.Empty : " AND (owner IS NULL OR owner = @owner)") + " ORDER BY seq");
        command.Text("@image_id", imageId).Text("@owner", owner).Text("@now", TaskTime.Store(time.GetUtcNow()));
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>
    /// One page of tasks (Glance's <c>task_get_all</c>): <paramref name="all"/> or only
    /// <paramref name="owner"/>'s, filtered by status and type, sorted, after the marker.
    /// </summary>
    public async Task<List<TaskRecord>?> ListAsync(TaskListQuery query, string? owner, bool all, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new List<string> { NotExpired };
        command.Text("@now", TaskTime.Store(time.GetUtcNow()));
        if (!all)
        {
            where.Add("(owner IS NULL OR owner = @owner)");
            command.Text("@owner", owner);
        }

        var index = 0;
        foreach (var (column, value) in query.Filters)
        {
            // Column names come from TaskListQuery.Columns only; values are parameters.
            var name = "@filter" + index++.ToString(System.Globalization.CultureInfo.InvariantCulture);
            where.Add($"{column} = {name}");
            command.Text(name, value);
        }

        var descending = query.SortDir == "desc";
        var compare = descending ? "<" : ">";
        if (query.Marker is not null)
        {
            await using var marker = connection.Command("SELECT seq FROM tasks WHERE id = @id");
            marker.Text("@id", query.Marker);
            if (await marker.ExecuteScalarAsync(cancellationToken) is null)
            {
                return null;
            }

            // Glance's paginate_query: after the marker in the sort key, then in id order.
            where.Add($"({query.SortKey} {compare} (SELECT {query.SortKey} FROM tasks WHERE id = @marker) "
                + $"OR ({query.SortKey} = (SELECT {query.SortKey} FROM tasks WHERE id = @marker) AND id {compare} @marker))");
            command.Text("@marker", query.Marker);
        }

        var direction = descending ? "DESC" : "ASC";
        command.CommandText = "SELECT " + Columns + " FROM tasks WHERE " + string.Join(" AND ", where)
            + $" ORDER BY {query.SortKey} {direction}, id {direction} LIMIT @limit";
        command.Int32("@limit", query.Limit);
        return await ReadAllAsync(command, cancellationToken);
    }

    private const string NotExpired = "(expires_at IS NULL OR expires_at >= @now)";

    private static void Bind(DbCommand command, TaskRecord task) =>
        command.Text("@id", task.Id).Text("@status", task.Status).Text("@result", task.Result).Text("@message", task.Message)
            .Text("@expires_at", task.ExpiresAt).Text("@updated_at", task.UpdatedAt);

    private static async Task<List<TaskRecord>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var tasks = new List<TaskRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tasks.Add(Read(reader));
        }

        return tasks;
    }

    private static string? Nullable(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static TaskRecord Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Type = reader.GetString(1),
        Status = reader.GetString(2),
        Owner = Nullable(reader, 3),
        ImageId = Nullable(reader, 4),
        RequestId = Nullable(reader, 5),
        UserId = Nullable(reader, 6),
        Input = Nullable(reader, 7),
        Result = Nullable(reader, 8),
        Message = reader.GetString(9),
        ExpiresAt = Nullable(reader, 10),
        CreatedAt = reader.GetString(11),
        UpdatedAt = reader.GetString(12),
    };
}
