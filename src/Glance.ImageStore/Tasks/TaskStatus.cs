namespace Glance.ImageStore.Tasks;

/// <summary>Glance's task statuses (and the one task type import creates), with its transitions.</summary>
internal static class TaskStatus
{
    public const string Pending = "pending";
    public const string Processing = "processing";
    public const string Success = "success";
    public const string Failure = "failure";

    /// <summary>The type of the tasks <c>POST /v2/images/{id}/import</c> creates.</summary>
    public const string ApiImageImport = "api_image_import";

    /// <summary>Glance's <c>Task._validate_task_status_transition</c>.</summary>
    public static bool CanMove(string from, string to) => (from, to) switch
    {
        (Pending, Processing or Failure) => true,
        (Processing, Success or Failure) => true,
        _ => false,
    };
}
