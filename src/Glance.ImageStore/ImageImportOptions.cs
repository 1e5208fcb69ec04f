namespace Glance.ImageStore;

/// <summary>
/// Interoperable image import (<c>/v2/images/{id}/stage</c>, <c>/v2/images/{id}/import</c>) and the
/// tasks it creates, as Glance 25's <c>enabled_import_methods</c>, <c>[task] task_time_to_live</c>
/// and <c>[import_filtering_opts]</c> configure them.
/// </summary>
public sealed class ImageImportOptions
{
    /// <summary>The import method names this store implements.</summary>
    public static readonly IReadOnlyList<string> SupportedMethods = ["glance-direct", "web-download"];

    /// <summary>
    /// The import methods offered (<c>GET /v2/info/import</c>, the <c>OpenStack-image-import-methods</c>
    /// header of an image create), comma-separated as oslo.config writes a list: any of
    /// <c>glance-direct</c> and <c>web-download</c>; empty turns import off. Default both. (Glance's
    /// default also lists <c>copy-image</c>, which copies between several stores; the store has one.)
    /// A list is one string, not an array, because the configuration binder appends an array's
    /// items to its default instead of replacing them.
    /// </summary>
    public string Methods { get; set; } = "glance-direct,web-download";

    /// <summary>The methods of <see cref="Methods"/>, in order.</summary>
    public string[] MethodList() => ImportFilteringOptions.Split(Methods);

    /// <summary>Hours a task is kept after it succeeded or failed (Glance's <c>task_time_to_live</c>). Default 48.</summary>
    public int TaskTimeToLiveHours { get; set; } = 48;

    /// <summary>Which URIs <c>web-download</c> may fetch (Glance's <c>[import_filtering_opts]</c>).</summary>
    public ImportFilteringOptions Filtering { get; set; } = new();
}
