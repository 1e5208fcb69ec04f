namespace Glance.ImageStore.Images;

/// <summary>The image statuses this store uses (a subset of Glance's).</summary>
internal static class ImageStatus
{
    public const string Queued = "queued";
    public const string Saving = "saving";
    public const string Uploading = "uploading";
    public const string Importing = "importing";
    public const string Active = "active";
    public const string Deactivated = "deactivated";
}
