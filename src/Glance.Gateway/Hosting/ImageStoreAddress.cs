namespace Glance.Gateway.Hosting;

/// <summary>
/// The address the hosted store actually bound (known only after it started, since tests and
/// operators may ask for port 0). Read by the route filter that points the store's cluster at it.
/// </summary>
public sealed class ImageStoreAddress
{
    private volatile Uri? _current;

    /// <summary>The bound address, or null before the store started (or when it is not hosted).</summary>
    public Uri? Current
    {
        get => _current;
        set => _current = value;
    }

    /// <summary>The hosted store's own reader of image facts (null when the store is not hosted): the pre-check reads in process through it.</summary>
    public Glance.ImageStore.Facts.IImageFactsReader? Facts { get; set; }

    /// <summary>The hosted store's own reader of metadef namespace facts (null when the store is not hosted).</summary>
    public Glance.ImageStore.Facts.INamespaceFactsReader? NamespaceFacts { get; set; }
}
