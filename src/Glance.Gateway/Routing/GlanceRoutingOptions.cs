namespace Glance.Gateway.Routing;

/// <summary>
/// How the gateway routes as the Glance behind it does, section <c>Routing</c>: the two Glance
/// settings that change which API versions it accepts, and how it builds the links of its
/// versions document. Give the gateway the same values as that Glance.
/// </summary>
public sealed class GlanceRoutingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Routing";

    /// <summary>
    /// Glance has an image cache (<c>image_cache_dir</c>): v2.14 and v2.16 too. Default false. With
    /// the store hosted, the store's <c>ImageStore:ImageCache:Enabled</c> decides instead
    /// (<see cref="Hosting.HostedStoreRoutingOptions"/>).
    /// </summary>
    public bool ImageCache { get; set; }

    /// <summary>Glance has several stores (<c>enabled_backends</c>): v2.8 and v2.10-v2.13 too. Default false.</summary>
    public bool MultipleStores { get; set; }

    /// <summary>
    /// Glance's <c>public_endpoint</c>: the URL the versions document links to. Unset (default):
    /// the URL the request came in on.
    /// </summary>
    public string? PublicEndpoint { get; set; }

    /// <summary>
    /// oslo.middleware's <c>enable_proxy_headers_parsing</c>: take the request URL of the versions
    /// document from <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c>. Only behind a proxy that
    /// sets them. Default false.
    /// </summary>
    public bool ProxyHeadersParsing { get; set; }

    /// <summary>The URL the versions document and the <c>/v2</c> redirect are built on, as Glance builds it.</summary>
    public string BaseUrl(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrEmpty(PublicEndpoint))
        {
            return PublicEndpoint;
        }

        var scheme = request.Scheme;
        var host = request.Host.Value ?? string.Empty;
        if (ProxyHeadersParsing)
        {
            scheme = First(request.Headers["X-Forwarded-Proto"].ToString()) ?? scheme;
            host = First(request.Headers["X-Forwarded-Host"].ToString()) ?? host;
        }

        return scheme + "://" + host + request.PathBase;
    }

    private static string? First(string value)
    {
        var comma = value.IndexOf(',', StringComparison.Ordinal);
        var first = (comma < 0 ? value : value[..comma]).Trim();
        return first.Length == 0 ? null : first;
    }
}
