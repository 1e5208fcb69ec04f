using System.Text.Json;
using Glance.ImageStore.Routing;

namespace Glance.ImageStore.Versions;

/// <summary>
/// Glance's version document: <c>GET /versions</c> (200) and <c>GET /</c> (300 Multiple Choices),
/// which python-glanceclient reads to pick the API version. Like Glance, it needs no identity.
/// </summary>
internal static class VersionsEndpoints
{
    /// <summary>The paths answered without an identity.</summary>
    public static bool IsAnonymous(PathString path) => path.Value is "/" or "/versions" or "/versions/";

    // Glance 25 (Zed) serves API v2.16; the client only needs a CURRENT v2 entry.
    private static readonly string[] Supported = ["v2.15", "v2.14", "v2.13", "v2.12", "v2.11", "v2.10", "v2.9", "v2.8", "v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0"];

    public static IEndpointRouteBuilder MapVersions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/versions", context => WriteAsync(context, 200)).WithDisplayName("versions");
        endpoints.Map("/", context => WriteAsync(context, 300)).WithDisplayName("version root");
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, int status)
    {
        if (context.Request.Method is not ("GET" or "HEAD"))
        {
            return Resource.MethodNotAllowedAsync(context, "GET");
        }

        var href = $"{context.Request.Scheme}://{context.Request.Host}/v2/";
        return JsonResponse.WriteAsync(context, status, writer => Write(writer, href));
    }

    private static void Write(Utf8JsonWriter writer, string href)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("versions");
        WriteVersion(writer, "v2.16", "CURRENT", href);
        foreach (var id in Supported)
        {
            WriteVersion(writer, id, "SUPPORTED", href);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteVersion(Utf8JsonWriter writer, string id, string status, string href)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("status", status);
        writer.WriteStartArray("links");
        writer.WriteStartObject();
        writer.WriteString("rel", "self");
        writer.WriteString("href", href);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
