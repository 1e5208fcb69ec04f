using System.Globalization;

namespace Glance.ImageStore.Images;

/// <summary>Glance's timestamp format (<c>timeutils.isotime</c>): UTC, seconds, trailing Z.</summary>
internal static class GlanceTime
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
