namespace Glance.ImageStore;

/// <summary>
/// Glance's <c>[import_filtering_opts]</c> for <c>web-download</c>, with its defaults: schemes
/// http and https, ports 80 and 443, no host lists. As in Glance 25.1 (with its fix for
/// server-side request forgery), a host that resolves to a loopback or link-local address only
/// passes when it is listed in <see cref="AllowedHosts"/>. An allowed list, when not empty, makes
/// its disallowed list ignored. Each list is one comma-separated string, as oslo.config writes a
/// list (empty: no list); an array would have its items appended to the default by the binder.
/// </summary>
public sealed class ImportFilteringOptions
{
    /// <summary>URI schemes allowed. Default <c>http,https</c>.</summary>
    public string AllowedSchemes { get; set; } = "http,https";

    /// <summary>URI schemes refused (ignored while <see cref="AllowedSchemes"/> is not empty). Default none.</summary>
    public string DisallowedSchemes { get; set; } = string.Empty;

    /// <summary>Hosts (names or addresses, as written in the URI) allowed. Default none: any host but loopback and link-local ones.</summary>
    public string AllowedHosts { get; set; } = string.Empty;

    /// <summary>Hosts refused (ignored while <see cref="AllowedHosts"/> is not empty). Default none.</summary>
    public string DisallowedHosts { get; set; } = string.Empty;

    /// <summary>Ports allowed when the URI names one. Default <c>80,443</c>.</summary>
    public string AllowedPorts { get; set; } = "80,443";

    /// <summary>Ports refused (ignored while <see cref="AllowedPorts"/> is not empty). Default none.</summary>
    public string DisallowedPorts { get; set; } = string.Empty;

    /// <summary>The items of a comma-separated list, trimmed, empty ones left out.</summary>
    public static string[] Split(string? list) =>
        (list ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
