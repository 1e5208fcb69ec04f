using System.Globalization;
using Glance.Policy.Errors;

namespace Glance.ImageStore.Metadefs;

/// <summary>A listing's query as the objects' and tags' deserializers check it.</summary>
internal sealed record MetadefListing(int? Limit, string? Marker, string SortKey, bool Descending)
{
    /// <summary>
    /// The deserializer's checks, in its order: <c>sort_dir</c> (400 <c>Invalid sort direction: X</c>),
    /// <c>visibility</c> (public, private or shared), then <c>limit</c> (400 <c>limit param must be
    /// an integer</c> / <c>must be positive</c>; the objects' refuse 0, the tags' take 0 as none).
    /// Writes the answer and returns null when refused.
    /// </summary>
    public static async Task<MetadefListing?> CheckAsync(HttpContext context, bool zeroLimitIsPositive)
    {
        var parameters = MetadefRequest.Params(context);
        string? Get(string name) => parameters.FindIndex(p => p.Key == name) is var i and >= 0 ? parameters[i].Value : null;
        var sortDir = Get("sort_dir") ?? "desc";
        if (sortDir is not ("asc" or "desc"))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, $"Invalid sort direction: {sortDir}");
            return null;
        }

        var visibility = Get("visibility");
        if (!string.IsNullOrEmpty(visibility) && visibility is not ("public" or "private" or "shared"))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, $"Invalid visibility value: {visibility}");
            return null;
        }

        var limitText = Get("limit");
        int? limit = null;
        if (zeroLimitIsPositive ? !string.IsNullOrEmpty(limitText) : limitText is not null)
        {
            if (!int.TryParse(limitText, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var value))
            {
                await GlanceErrorWriter.WriteAsync(context, 400, "limit param must be an integer");
                return null;
            }

            if (zeroLimitIsPositive ? value < 0 : value <= 0)
            {
                await GlanceErrorWriter.WriteAsync(context, 400, "limit param must be positive");
                return null;
            }

            limit = value == 0 ? null : value;
        }

        var marker = Get("marker");
        return new MetadefListing(limit, string.IsNullOrEmpty(marker) ? null : marker, Get("sort_key") ?? "created_at", sortDir == "desc");
    }
}
