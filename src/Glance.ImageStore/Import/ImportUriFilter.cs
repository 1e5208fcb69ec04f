using System.Net;
using System.Net.Sockets;

namespace Glance.ImageStore.Import;

/// <summary>
/// Glance 25.1's <c>validate_uri</c> / <c>get_validated_address</c> (glance/common/utils.py) over
/// <see cref="ImportFilteringOptions"/>: scheme, host and port filters, then the host resolved and
/// the first address that may be fetched returned, so that the download connects to that address
/// and nothing else (no DNS rebinding between the check and the fetch). Loopback and link-local
/// addresses (IPv4-mapped ones too) are skipped unless the host is in the allowed list; a
/// disallowed host given as an address also refuses any name that resolves to it.
/// </summary>
internal sealed class ImportUriFilter(ImportFilteringOptions options)
{
    private readonly string[] _allowedSchemes = ImportFilteringOptions.Split(options.AllowedSchemes);
    private readonly string[] _disallowedSchemes = ImportFilteringOptions.Split(options.DisallowedSchemes);
    private readonly string[] _allowedHosts = ImportFilteringOptions.Split(options.AllowedHosts);
    private readonly string[] _disallowedHosts = ImportFilteringOptions.Split(options.DisallowedHosts);
    private readonly int[] _allowedPorts = Ports(options.AllowedPorts);
    private readonly int[] _disallowedPorts = Ports(options.DisallowedPorts);

    private static int[] Ports(string list) =>
        [.. ImportFilteringOptions.Split(list).Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The address to connect to, or null when the URI does not pass (the reason in <paramref name="reason"/>).</summary>
    public async Task<(IPAddress? Address, string Reason)> ValidateAsync(string? uri, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(uri) || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            return (null, "empty or unparsable external URI");
        }

        var allowedSchemes = _allowedSchemes;
        var disallowedSchemes = allowedSchemes.Length > 0 ? [] : _disallowedSchemes;
        var allowedHosts = _allowedHosts;
        var disallowedHosts = allowedHosts.Length > 0 ? [] : _disallowedHosts;
        var allowedPorts = _allowedPorts;
        var disallowedPorts = allowedPorts.Length > 0 ? [] : _disallowedPorts;

        var scheme = parsed.Scheme;
        if ((allowedSchemes.Length > 0 && !allowedSchemes.Contains(scheme)) || disallowedSchemes.Contains(scheme))
        {
            return (null, "scheme not allowed for external URI: " + uri);
        }

        var host = await NormalizeHostAsync(parsed.IdnHost, cancellationToken);
        if (host is null || (allowedHosts.Length > 0 && !allowedHosts.Contains(host)) || disallowedHosts.Contains(host))
        {
            return (null, "host not allowed for external URI: " + uri);
        }

        // urlparse's port: only when the URI writes one.
        var explicitPort = ExplicitPort(uri, parsed);
        if (explicitPort is int port && ((allowedPorts.Length > 0 && !allowedPorts.Contains(port)) || disallowedPorts.Contains(port)))
        {
            return (null, "port not allowed for external URI: " + uri);
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            }
            catch (SocketException exception)
            {
                return (null, $"failed to resolve external host {parsed.Host}: {exception.Message}");
            }
        }

        var whitelisted = allowedHosts.Contains(host);
        foreach (var address in addresses.Distinct())
        {
            if (whitelisted)
            {
                return (address, string.Empty);
            }

            var check = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            if (IPAddress.IsLoopback(check) || IsLinkLocal(check))
            {
                continue;
            }

            var blocked = disallowedHosts.Any(blockedHost => blockedHost != host && IPAddress.TryParse(blockedHost, out var b) && b.Equals(address));
            if (!blocked)
            {
                return (address, string.Empty);
            }
        }

        return (null, "no allowed addresses for external host: " + parsed.Host);
    }

    // normalize_hostname: an address in its standard form; a numeric or dotted-numeric name (an
    // encoded address) refused; any other name must resolve.
    private static async Task<string?> NormalizeHostAsync(string host, CancellationToken cancellationToken)
    {
        var bare = host.Trim('[', ']');
        if (bare.Length == 0)
        {
            return null;
        }

        if (IPAddress.TryParse(bare, out var address) && (address.AddressFamily == AddressFamily.InterNetworkV6 || bare.Count(c => c == '.') == 3))
        {
            return address.ToString();
        }

        if (bare.All(c => char.IsAsciiDigit(c) || c == '.') || bare.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            await Dns.GetHostAddressesAsync(bare, cancellationToken);
            return bare;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static int? ExplicitPort(string text, Uri parsed)
    {
        var authorityStart = text.IndexOf("//", StringComparison.Ordinal);
        if (authorityStart < 0)
        {
            return null;
        }

        var authority = text[(authorityStart + 2)..];
        var end = authority.IndexOfAny(['/', '?', '#']);
        authority = end < 0 ? authority : authority[..end];
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        var colon = authority.LastIndexOf(':');
        return colon > authority.LastIndexOf(']') && colon < authority.Length - 1 ? parsed.Port : null;
    }

    private static bool IsLinkLocal(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork
        ? address.GetAddressBytes() is [169, 254, ..]
        : address.IsIPv6LinkLocal;
}
