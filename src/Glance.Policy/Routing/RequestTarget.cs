using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Glance.Policy.Routing;

/// <summary>
/// The request target as Glance's pipeline routes it (CONFORMANCE.md section 6), computed once per
/// request from the raw target (<c>IHttpRequestFeature.RawTarget</c>, which Kestrel leaves as the
/// client sent it) and used by every decision and by what is forwarded:
/// <list type="number">
/// <item>The path is percent-decoded, <c>%2F</c> included (the WSGI server does it before anything
/// routes), and the query is set aside (it never routes).</item>
/// <item>A first segment <c>versions</c> → <see cref="RequestTargetKind.Versions"/>, whatever the
/// method; any other <c>OPTIONS</c> → <see cref="RequestTargetKind.Options"/>.</item>
/// <item>Version negotiation (version_negotiation.py): the version from an <c>Accept:
/// application/vnd.openstack.images-</c> media type, else the first path segment popped off;
/// an accepted version (exact, case-sensitive) → the path is <c>/v2</c> + the rest; otherwise
/// <see cref="RequestTargetKind.VersionChoices"/>.</item>
/// <item>Runs of slashes collapse to one; dot segments are not resolved; a trailing slash stays.</item>
/// </list>
/// </summary>
public sealed class RequestTarget
{
    private const string VendorMediaType = "application/vnd.openstack.images-";
    private static readonly string[] NoSegments = [];

    private RequestTarget(RequestTargetKind kind, string path, string[] segments, string query, bool blankImageId)
    {
        Kind = kind;
        Path = path;
        Segments = segments;
        Query = query;
        HasBlankImageId = blankImageId;
    }

    /// <summary>What the pipeline does with the request.</summary>
    public RequestTargetKind Kind { get; }

    /// <summary>The decoded path the router sees (<c>/v2/...</c> for the API), slashes collapsed.</summary>
    public string Path { get; }

    /// <summary>The segments of <see cref="Path"/> after the leading slash (a trailing slash gives an empty last one).</summary>
    public IReadOnlyList<string> Segments { get; }

    /// <summary>The query string with its <c>?</c>, as sent (empty when none).</summary>
    public string Query { get; }

    /// <summary>
    /// True for a DELETE of <c>/v2/images//members/{member_id}</c> before the slashes collapsed:
    /// the seed's 405 (CONFORMANCE row 2). Any other method routes the collapsed path, as Glance does.
    /// </summary>
    public bool HasBlankImageId { get; }

    /// <summary>True when the version came from the <c>Accept</c> media type, which a backend must then not see again.</summary>
    public bool VersionFromMediaType { get; private init; }

    /// <summary>Computes the target of a request from its method, raw target and Accept header.</summary>
    public static RequestTarget Parse(string method, string rawTarget, string? accept, GlanceApiVersions versions)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(rawTarget);
        ArgumentNullException.ThrowIfNull(versions);
        var (rawPath, query) = SplitTarget(rawTarget);
        var path = Decode(rawPath);
        var peek = path.TrimStart('/');
        var slash = peek.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? peek : peek[..slash];
        if (first == "versions")
        {
            // Whatever the method, OPTIONS included (observed on Glance 25).
            return new(RequestTargetKind.Versions, path, NoSegments, query, false);
        }

        if (HttpMethods.IsOptions(method))
        {
            return new(RequestTargetKind.Options, path, NoSegments, query, false);
        }

        string? version;
        string rest;
        var byMediaType = accept is not null && accept.StartsWith(VendorMediaType, StringComparison.Ordinal);
        if (byMediaType)
        {
            version = accept![VendorMediaType.Length..];
            rest = path;
        }
        else
        {
            version = path.Length == 0 ? null : first;
            rest = slash < 0 ? string.Empty : peek[slash..];
        }

        if (!versions.IsAllowed(version))
        {
            return new(RequestTargetKind.VersionChoices, path, NoSegments, query, false);
        }

        var routed = "/v2" + rest;
        var blank = HttpMethods.IsDelete(method) && routed.StartsWith("/v2/images//members/", StringComparison.Ordinal)
            && routed.AsSpan("/v2/images//members/".Length).IndexOf('/') < 0;
        var collapsed = CollapseSlashes(routed);
        return new(RequestTargetKind.Api, collapsed, collapsed[1..].Split('/'), query, blank) { VersionFromMediaType = byMediaType };
    }

    /// <summary>The target of a request, computed once and kept in its features (Glance 25's default versions unless a host set it first).</summary>
    public static RequestTarget Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<RequestTargetFeature>() is { } feature)
        {
            return feature.Target;
        }

        var target = Parse(context.Request.Method, RawTargetOf(context), context.Request.Headers.Accept.ToString(), GlanceApiVersions.Default);
        Set(context, target);
        return target;
    }

    /// <summary>Keeps <paramref name="target"/> as the request's target.</summary>
    public static void Set(HttpContext context, RequestTarget target)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Set(new RequestTargetFeature(target));
    }

    /// <summary>The raw target as the client sent it (the path, for a server without one).</summary>
    public static string RawTargetOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return string.IsNullOrEmpty(raw) ? context.Request.Path.ToUriComponent() + context.Request.QueryString : raw;
    }

    /// <summary>
    /// The path to send to a backend: each segment percent-encoded so that the backend decodes it
    /// to the same segment, and <c>.</c> and <c>..</c> encoded too, so that no URI handling on the
    /// way resolves them.
    /// </summary>
    public string EncodedPath()
    {
        var builder = new StringBuilder(Path.Length + 16);
        foreach (var segment in Segments)
        {
            builder.Append('/');
            builder.Append(segment switch
            {
                "." => "%2E",
                ".." => "%2E%2E",
                _ => Uri.EscapeDataString(segment),
            });
        }

        return builder.Length == 0 ? "/" : builder.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Path;

    // The target as sent: eventlet takes an absolute-form target (http://host/path) as the path
    // itself, so it names no version (300), as on Glance 25.
    private static (string Path, string Query) SplitTarget(string target)
    {
        var question = target.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? (target, string.Empty) : (target[..question], target[question..]);
    }

    // Percent-decoding of every %XX (an invalid escape stays as written, as Python's unquote
    // leaves it), then UTF-8, invalid sequences replaced.
    private static string Decode(string path)
    {
        if (!path.Contains('%', StringComparison.Ordinal))
        {
            return path;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(path.Length));
        try
        {
            var length = 0;
            for (var i = 0; i < path.Length; i++)
            {
                if (path[i] == '%' && i + 2 < path.Length && Uri.IsHexDigit(path[i + 1]) && Uri.IsHexDigit(path[i + 2]))
                {
                    bytes[length++] = (byte)((HexValue(path[i + 1]) << 4) | HexValue(path[i + 2]));
                    i += 2;
                }
                else
                {
                    length += Encoding.UTF8.GetBytes(path.AsSpan(i, 1), bytes.AsSpan(length));
                }
            }

            return Encoding.UTF8.GetString(bytes, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static string CollapseSlashes(string path)
    {
        if (!path.Contains("//", StringComparison.Ordinal))
        {
            return path;
        }

        var builder = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c != '/' || builder.Length == 0 || builder[^1] != '/')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private sealed record RequestTargetFeature(RequestTarget Target);
}
