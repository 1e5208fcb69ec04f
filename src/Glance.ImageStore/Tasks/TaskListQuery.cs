namespace Glance.ImageStore.Tasks;

/// <summary>
/// A validated <c>GET /v2/tasks</c> query: equality filters on task columns (Glance applies any
/// query parameter that names a column of its tasks table and ignores the others), the sort key
/// (a stored column), direction, marker and page size.
/// </summary>
internal sealed record TaskListQuery(IReadOnlyDictionary<string, string> Filters, string SortKey, string SortDir, string? Marker, int Limit)
{
    /// <summary>The columns a filter or the sort key may name.</summary>
    public static readonly IReadOnlySet<string> Columns = new HashSet<string>(StringComparer.Ordinal)
    {
        "id", "type", "status", "owner", "image_id", "request_id", "user_id", "expires_at", "created_at", "updated_at",
    };
}
