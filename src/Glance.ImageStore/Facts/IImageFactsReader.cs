using Glance.Policy.Members;

namespace Glance.ImageStore.Facts;

/// <summary>
/// What the store tells a host running it in process about an image, for the host's own
/// member-DELETE pre-check: the image's facts (null when missing, deleted or not exactly this id)
/// and whether one project is in its member list (any status). The store owns its database; a
/// host reads through this and never opens it.
/// </summary>
public interface IImageFactsReader
{
    /// <summary>Reads the image and, when <paramref name="member"/> is not null, that one membership.</summary>
    /// <exception cref="ImageFactsUnavailableException">The store's database cannot serve now (a 503 for the request).</exception>
    Task<(ImageFacts? Image, bool IsMember)> ReadAsync(string imageId, string? member, CancellationToken cancellationToken);
}
