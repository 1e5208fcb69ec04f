namespace Glance.Policy.Members;

/// <summary>
/// What the member-DELETE rules need to know about an image that exists and is not deleted.
/// A missing or deleted image is passed to the rules as <c>null</c>.
/// </summary>
/// <param name="Id">The image id exactly as stored.</param>
/// <param name="Visibility">public, community, shared or private.</param>
/// <param name="Owner">The owning project, or null for an image with no owner.</param>
/// <param name="Members">The project ids in the image's member list, any member status.</param>
public sealed record ImageFacts(string Id, string Visibility, string? Owner, IReadOnlySet<string> Members)
{
    /// <summary>True when the visibility is <c>shared</c>.</summary>
    public bool IsShared => Visibility == ImageVisibility.Shared;
}
