using System.Text.Json;

namespace Glance.ImageStore.Tasks;

/// <summary>
/// Glance's three shapes of a task, key order included: the task view
/// (tasks.py <c>_format_task</c>), the stub of a listing (<c>_format_task_stub</c>) and the raw
/// database row <c>GET /v2/images/{id}/tasks</c> serializes (<c>_task_format</c> with its info).
/// </summary>
internal static class TaskJson
{
    public static void WriteTask(Utf8JsonWriter writer, TaskRecord task)
    {
        writer.WriteStartObject();
        writer.WriteString("id", task.Id);
        WriteRaw(writer, "input", task.Input);
        writer.WriteString("type", task.Type);
        writer.WriteString("status", task.Status);
        WriteNullable(writer, "owner", task.Owner);
        writer.WriteString("message", task.Message);
        WriteRaw(writer, "result", task.Result);
        writer.WriteString("created_at", TaskTime.IsoTime(task.CreatedAt));
        writer.WriteString("updated_at", TaskTime.IsoTime(task.UpdatedAt));
        writer.WriteString("self", "/v2/tasks/" + task.Id);
        writer.WriteString("schema", "/v2/schemas/task");
        WriteIfSet(writer, "image_id", task.ImageId);
        WriteIfSet(writer, "request_id", task.RequestId);
        WriteIfSet(writer, "user_id", task.UserId);
        if (task.ExpiresAt is not null)
        {
            writer.WriteString("expires_at", TaskTime.IsoTime(task.ExpiresAt));
        }

        writer.WriteEndObject();
    }

    public static void WriteStub(Utf8JsonWriter writer, TaskRecord task)
    {
        writer.WriteStartObject();
        writer.WriteString("id", task.Id);
        writer.WriteString("type", task.Type);
        writer.WriteString("status", task.Status);
        WriteNullable(writer, "owner", task.Owner);
        writer.WriteString("created_at", TaskTime.IsoTime(task.CreatedAt));
        writer.WriteString("updated_at", TaskTime.IsoTime(task.UpdatedAt));
        writer.WriteString("self", "/v2/tasks/" + task.Id);
        writer.WriteString("schema", "/v2/schemas/task");
        if (task.ExpiresAt is not null)
        {
            writer.WriteString("expires_at", TaskTime.IsoTime(task.ExpiresAt));
        }

        writer.WriteEndObject();
    }

    public static void WriteRow(Utf8JsonWriter writer, TaskRecord task)
    {
        writer.WriteStartObject();
        writer.WriteString("id", task.Id);
        writer.WriteString("type", task.Type);
        writer.WriteString("status", task.Status);
        WriteNullable(writer, "owner", task.Owner);
        WriteNullable(writer, "expires_at", task.ExpiresAt is null ? null : TaskTime.PythonIsoFormat(task.ExpiresAt));
        writer.WriteString("created_at", TaskTime.PythonIsoFormat(task.CreatedAt));
        writer.WriteString("updated_at", TaskTime.PythonIsoFormat(task.UpdatedAt));
        writer.WriteNull("deleted_at");
        writer.WriteBoolean("deleted", false);
        WriteNullable(writer, "image_id", task.ImageId);
        WriteNullable(writer, "request_id", task.RequestId);
        WriteNullable(writer, "user_id", task.UserId);
        WriteRaw(writer, "input", task.Input);
        WriteRaw(writer, "result", task.Result);
        writer.WriteString("message", task.Message);
        writer.WriteEndObject();
    }

    private static void WriteRaw(Utf8JsonWriter writer, string name, string? json)
    {
        writer.WritePropertyName(name);
        if (json is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(json, skipInputValidation: true);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }
}
