using Glance.ImageStore.Images;

namespace Glance.ImageStore.Import;

/// <summary>
/// The <c>os_glance_*</c> properties import keeps on an image, changed in place so that the
/// image's extra properties keep Glance's order (a new key last, a changed key where it was).
/// </summary>
internal static class ImageProperties
{
    /// <summary>The import lock: the id of the task importing into the image.</summary>
    public const string ImportTask = "os_glance_import_task";

    /// <summary>The stores the import is still writing to (with one store: always empty).</summary>
    public const string ImportingToStores = "os_glance_importing_to_stores";

    /// <summary>The stores the import failed on (with one store: always empty).</summary>
    public const string FailedImport = "os_glance_failed_import";

    /// <summary>Where the data was staged (only with <c>worker_self_reference_url</c>, which the store does not have).</summary>
    public const string StageHost = "os_glance_stage_host";

    public static string? Get(ImageRecord image, string key)
    {
        foreach (var (name, value) in image.Properties)
        {
            if (name == key)
            {
                return value;
            }
        }

        return null;
    }

    public static void Set(ImageRecord image, string key, string value)
    {
        var index = image.Properties.FindIndex(p => p.Key == key);
        if (index < 0)
        {
            image.Properties.Add(new(key, value));
        }
        else
        {
            image.Properties[index] = new(key, value);
        }
    }

    public static bool Remove(ImageRecord image, string key) => image.Properties.RemoveAll(p => p.Key == key) > 0;

    /// <summary>
    /// Glance's <c>merge_store_list</c> with the one store (<c>None</c>, left out): the list keeps
    /// what it had, and a missing list becomes empty.
    /// </summary>
    public static void MergeStoreList(ImageRecord image, string key) =>
        Set(image, key, string.Join(',', (Get(image, key) ?? string.Empty).Split(',').Where(s => s.Length > 0).Distinct().Order(StringComparer.Ordinal)));
}
