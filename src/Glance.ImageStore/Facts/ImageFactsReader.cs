using Glance.ImageStore.Images;
using Glance.ImageStore.Persistence;
using Glance.Policy.Members;

namespace Glance.ImageStore.Facts;

/// <summary>The store's <see cref="IImageFactsReader"/>: one indexed statement on its own database.</summary>
internal sealed class ImageFactsReader(ImageRepository images, IStoreDatabase database) : IImageFactsReader
{
    /// <inheritdoc />
    public async Task<(ImageFacts? Image, bool IsMember)> ReadAsync(string imageId, string? member, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(imageId);
        ImageRecord? image;
        try
        {
            image = await images.FindAsync(imageId, member, cancellationToken);
        }
        catch (Exception exception) when (database.IsUnavailable(exception))
        {
            throw new ImageFactsUnavailableException("The image store's database is unavailable: " + exception.Message, exception);
        }

        return image is null || ImageVisibility.IsLookupMiss(imageId, image.Id, image.Status)
            ? (null, false)
            : (image.ToFacts(), member is not null && image.CallerIsMember);
    }
}
