using Glance.ImageStore.Images;

namespace Glance.ImageStore.Persistence;

/// <summary>How the marker of a listing was found, as Glance's <c>_image_get</c> answers for it.</summary>
internal enum MarkerLookup
{
    /// <summary>No marker, or one the caller may see.</summary>
    Found,

    /// <summary>Longer than an image id can be (Glance's <c>_check_image_id</c>).</summary>
    TooLong,

    /// <summary>No such image (or deleted, for a caller who is not admin).</summary>
    Missing,

    /// <summary>The image exists but the caller may not see it.</summary>
    NotVisible,
}

/// <summary>One page of a listing, straight from the database (no policy filter yet).</summary>
/// <param name="Images">The rows, newest first; empty unless the marker was found.</param>
/// <param name="Marker">How the marker was found.</param>
internal sealed record ImagePage(List<ImageRecord> Images, MarkerLookup Marker);
