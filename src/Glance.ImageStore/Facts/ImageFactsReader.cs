using Glance.ImageStore.Persistence;
using Glance.Policy.Members;

namespace Glance.ImageStore.Facts;

/// <summary>The store's <see cref="IImageFactsReader"/>: one indexed statement on its own database.</summary>
internal sealed class ImageFactsReader(ImageRepository images) : IImageFactsReader
{
    /// <inheritdoc />
    public async Task<(ImageFacts? Image, bool IsMember)> ReadAsync(string imageId, string? member, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(imageId);
        var image = await images.FindAsync(imageId, member, cancellationToken);
        return image is null || ImageVisibility.IsLookupMiss(imageId, image.Id, image.Status)
            ? (null, false)
            : (image.ToFacts(), member is not null && image.CallerIsMember);
    }
}
