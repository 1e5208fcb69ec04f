namespace Glance.ImageStore;

/// <summary>
/// Settings of the image store, bound from the configuration section <c>ImageStore</c> and
/// validated before the store serves anything (see <see cref="Hosting.ImageStoreOptionsValidator"/>).
/// </summary>
public sealed class ImageStoreOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "ImageStore";

    /// <summary>
    /// Where the store listens. Must be an <c>http</c> URL on a loopback address (the store trusts
    /// identity headers, so it is never reachable from outside); port 0 picks a free port.
    /// Default <c>http://127.0.0.1:9191</c>.
    /// </summary>
    public string Url { get; set; } = "http://127.0.0.1:9191";

    /// <summary>
    /// The folder holding the SQLite database (<c>glance.db</c>, SQLite only) and the image data
    /// files (<c>images/</c>). Created when missing. With PostgreSQL, replicas may share it (NFS,
    /// CephFS): uploads are written to a temporary file and renamed into place. Default <c>./data</c>.
    /// </summary>
    public string DataPath { get; set; } = "./data";

    /// <summary>
    /// The identity service URI named in the <c>WWW-Authenticate</c> challenge of a 401.
    /// Default <c>http://127.0.0.1:5000/v3</c>.
    /// </summary>
    public string IdentityUri { get; set; } = "http://127.0.0.1:5000/v3";

    /// <summary>The largest JSON request body, in bytes; larger bodies get 413. Default 65536.</summary>
    public long MaxJsonBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The largest image data upload, in bytes; larger uploads get 413 and store nothing.
    /// Default 1 TiB, Glance's <c>image_size_cap</c>.
    /// </summary>
    public long MaxImageBytes { get; set; } = 1L << 40;

    /// <summary>
    /// The write-ahead log is started over once it holds more than this many pages (4 KiB each).
    /// Under steady reads and writes SQLite never gets to do that by itself, so without this the
    /// log grows for as long as the load lasts. Default 8192 (32 MiB).
    /// </summary>
    public int WalLimitPages { get; set; } = 8192;

    /// <summary>The database engine and its connection (see <see cref="ImageStoreDatabaseOptions"/>); default SQLite.</summary>
    public ImageStoreDatabaseOptions Database { get; set; } = new();

    /// <summary>
    /// Development only: when <c>Enabled</c>, a request that carries any <c>X-Auth-Token</c> but no
    /// identity headers is treated as the configured identity, so that python-glanceclient can
    /// talk to the store directly. Off by default.
    /// </summary>
    public DevIdentityOptions DevIdentity { get; set; } = new();

    /// <summary>
    /// The policy mode and the operator's policy file, for the store on its own (see
    /// <see cref="ImageStorePolicyOptions"/>); a host that passes its own rules to
    /// <see cref="ImageStoreApplication.Build"/> decides instead.
    /// </summary>
    public ImageStorePolicyOptions Policy { get; set; } = new();

    /// <summary>
    /// Image import (stage, import, the tasks it creates): the methods offered, how long tasks are
    /// kept, what <c>web-download</c> may fetch (see <see cref="ImageImportOptions"/>).
    /// </summary>
    public ImageImportOptions Import { get; set; } = new();

    /// <summary>The image cache (see <see cref="ImageCacheOptions"/>); off by default, as in Glance.</summary>
    public ImageCacheOptions ImageCache { get; set; } = new();
}
