using System.Globalization;

namespace Glance.ImageStore.Tasks;

/// <summary>
/// A task's times. Stored as naive UTC with six fractional digits (sortable text: expiry is a
/// text comparison); shown as Glance shows them: <c>timeutils.isotime</c> (seconds, <c>Z</c>) in
/// the task views, Python's <c>datetime.isoformat()</c> (no zone, fraction only when not zero)
/// in <c>GET /v2/images/{id}/tasks</c>, which serializes the database rows as they are.
/// </summary>
internal static class TaskTime
{
    private const string StoredFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff";

    public static string Store(DateTimeOffset time) => time.UtcDateTime.ToString(StoredFormat, CultureInfo.InvariantCulture);

    public static DateTime Parse(string stored) => DateTime.ParseExact(stored, StoredFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    /// <summary><c>timeutils.isotime</c>.</summary>
    public static string IsoTime(string stored) => Parse(stored).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Python's <c>datetime.isoformat()</c> of a naive datetime.</summary>
    public static string PythonIsoFormat(string stored) => stored.EndsWith(".000000", StringComparison.Ordinal) ? stored[..^7] : stored;
}
