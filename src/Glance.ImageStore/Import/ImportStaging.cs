using Glance.ImageStore.Persistence;

namespace Glance.ImageStore.Import;

/// <summary>
/// The staging area (Glance's <c>node_staging_uri</c>): <c>DataPath/staging</c>, one file per
/// image named by its id, written to a temporary name first and renamed, so that a reader never
/// sees half a file and replicas sharing the data path share the staged data too.
/// </summary>
internal sealed class ImportStaging
{
    public ImportStaging(IStoreDatabase database)
    {
        Folder = Path.Combine(Path.GetDirectoryName(database.ImagesPath)!, "staging");
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The staging folder.</summary>
    public string Folder { get; }

    /// <summary>The staged data of an image.</summary>
    public string PathOf(string imageId) => Path.Combine(Folder, imageId);

    /// <summary>A fresh temporary file name beside the image's staged data.</summary>
    public string TemporaryPathOf(string imageId) => PathOf(imageId) + "." + Guid.NewGuid().ToString("N") + ".part";

    /// <summary>Removes an image's staged data, if any (Glance's <c>_unstage</c> and the delete of a staged image).</summary>
    public void Delete(string imageId)
    {
        try
        {
            File.Delete(PathOf(imageId));
        }
        catch (IOException)
        {
            // Gone or busy: nothing to keep; the next import or delete tries again.
        }
    }
}
