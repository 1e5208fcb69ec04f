using System.Globalization;

namespace Glance.ImageStore.Metadefs;

/// <summary>
/// Metadef timestamps: stored as SQLAlchemy stores a DateTime on SQLite (<c>2026-01-02
/// 03:04:05.678901</c>, which sorts as the time does), answered as <c>timeutils.isotime</c>
/// writes them (<c>2026-01-02T03:04:05Z</c>).
/// </summary>
internal static class MetadefTime
{
    public static string Store(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    public static string Answer(string stored) => string.Concat(stored.AsSpan(0, 10), "T", stored.AsSpan(11, 8), "Z");
}
