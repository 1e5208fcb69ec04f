using System.Globalization;

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
        if (MetadefOperations.CheckListing(parameters, zeroLimitIsPositive) is { } refused)
        {
            await refused.WriteAsync(context);
            return null;
        }

        var sortDir = Get("sort_dir") ?? "desc";
        var limitText = Get("limit");
        int? limit = null;
        if (zeroLimitIsPositive ? !string.IsNullOrEmpty(limitText) : limitText is not null)
        {
            var value = int.Parse(limitText!, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture);
            limit = value == 0 ? null : value;
        }

        var marker = Get("marker");
        return new MetadefListing(limit, string.IsNullOrEmpty(marker) ? null : marker, Get("sort_key") ?? "created_at", sortDir == "desc");
    }
}
