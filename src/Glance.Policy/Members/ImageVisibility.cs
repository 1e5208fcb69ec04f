namespace Glance.Policy.Members;

/// <summary>Glance's four image visibilities, and who can see an image (glance/db/utils.py).</summary>
public static class ImageVisibility
{
    public const string Public = "public";
    public const string Community = "community";
    public const string Shared = "shared";
    public const string Private = "private";

    /// <summary>The accepted values, in Glance's schema order.</summary>
    public static IReadOnlyList<string> All { get; } = [Public, Community, Shared, Private];

    /// <summary>True for one of the four values (exact, lower-case).</summary>
    public static bool IsValid(string? value) => value is Public or Community or Shared or Private;

    /// <summary>
    /// <c>is_image_visible</c>: an admin (the <c>context_is_admin</c> rule) always; an image with no
    /// owner; public and community images; the owner; for shared images, a project in the member
    /// list with any member status.
    /// </summary>
    public static bool IsVisible(ImageFacts image, bool isAdmin, string? project, bool callerIsMember)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (isAdmin || image.Owner is null || image.Visibility is Public or Community)
        {
            return true;
        }

        if (project is null)
        {
            return false;
        }

        return string.Equals(project, image.Owner, StringComparison.Ordinal) || (image.IsShared && callerIsMember);
    }

    /// <summary>
    /// What Glance's image lookup treats as "no such image": nothing stored under exactly
    /// <paramref name="requestedId"/> (ids compare exactly, case included), or a deleted image.
    /// </summary>
    public static bool IsLookupMiss(string requestedId, string? storedId, string? status) =>
        storedId is null || !string.Equals(requestedId, storedId, StringComparison.Ordinal) || status == "deleted";
}
