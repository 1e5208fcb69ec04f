namespace Glance.ImageStore;

/// <summary>
/// Glance's <c>[import_filtering_opts]</c> for <c>web-download</c>, with its defaults: schemes
/// http and https, ports 80 and 443, no host lists. As in Glance 25.1 (with its fix for
/// server-side request forgery), a host that resolves to a loopback or link-local address only
/// passes when it is listed in <see cref="AllowedHosts"/>. An allowed list, when set, makes its
/// disallowed list ignored.
/// </summary>
public sealed class ImportFilteringOptions
{
    /// <summary>URI schemes allowed. Default <c>http</c>, <c>https</c>.</summary>
    public string[] AllowedSchemes { get; set; } = ["http", "https"];

    /// <summary>URI schemes refused (ignored while <see cref="AllowedSchemes"/> is not empty). Default none.</summary>
    public string[] DisallowedSchemes { get; set; } = [];

    /// <summary>Hosts (names or addresses, as written in the URI) allowed. Default none: any host.</summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>Hosts refused (ignored while <see cref="AllowedHosts"/> is not empty). Default none.</summary>
    public string[] DisallowedHosts { get; set; } = [];

    /// <summary>Ports allowed when the URI names one. Default 80, 443.</summary>
    public int[] AllowedPorts { get; set; } = [80, 443];

    /// <summary>Ports refused (ignored while <see cref="AllowedPorts"/> is not empty). Default none.</summary>
    public int[] DisallowedPorts { get; set; } = [];
}
