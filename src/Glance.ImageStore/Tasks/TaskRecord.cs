namespace Glance.ImageStore.Tasks;

/// <summary>
/// A task as stored (Glance's <c>tasks</c> row with its <c>task_info</c>): <see cref="Input"/> and
/// <see cref="Result"/> are compact JSON text (or null); times are <see cref="TaskTime"/> text.
/// </summary>
internal sealed class TaskRecord
{
    public required string Id { get; init; }
    public string Type { get; init; } = TaskStatus.ApiImageImport;
    public string Status { get; set; } = TaskStatus.Pending;
    public string? Owner { get; init; }
    public string? ImageId { get; init; }
    public string? RequestId { get; init; }
    public string? UserId { get; init; }
    public string? Input { get; init; }
    public string? Result { get; set; }
    public string Message { get; set; } = string.Empty;
    public string? ExpiresAt { get; set; }
    public required string CreatedAt { get; init; }
    public required string UpdatedAt { get; set; }
}
