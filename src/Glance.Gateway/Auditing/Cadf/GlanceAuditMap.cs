namespace Glance.Gateway.Auditing.Cadf;

/// <summary>
/// Glance's audit map (<c>glance_api_audit_map.conf</c>, shipped by pycadf for keystonemiddleware's
/// audit middleware: <c>[path_keywords]</c> detail = None, file = None, images = image, members =
/// member, tags = tag; <c>[service_endpoints]</c> image = service/storage/image; no custom actions)
/// applied as keystonemiddleware applies it (<c>keystonemiddleware/audit/_api.py</c>:
/// <c>get_action</c> and <c>_build_typeURI</c>), keyword for keyword, quirks included: a GET of
/// <c>…/file</c> is <c>read/list</c>, since <c>file</c> is a path keyword, and a POST to a path
/// that ends in no keyword (an action, an import, a task) is <c>update</c>.
/// </summary>
internal static class GlanceAuditMap
{
    /// <summary>The CADF type of the image service (<c>[service_endpoints] image</c>).</summary>
    public const string ServiceTypeUri = "service/storage/image";

    // [path_keywords]: the keyword, and what the segment after it is called. configparser reads
    // "None" as the string "None", which keystonemiddleware then appends as it is.
    private static readonly Dictionary<string, string> PathKeywords = new(StringComparer.Ordinal)
    {
        ["detail"] = "None",
        ["file"] = "None",
        ["images"] = "image",
        ["members"] = "member",
        ["tags"] = "tag",
    };

    /// <summary>
    /// The CADF action of a request (<c>get_action</c>): from the method, and for POST and GET
    /// from whether the path's last segment is a keyword. A POST to a path ending in
    /// <c>action</c> would be named from its body's first key; the audit event carries no body,
    /// so it is <c>create</c>, as keystonemiddleware names one whose body is empty.
    /// </summary>
    public static string Action(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.EndsWith('/') ? path[..^1] : path;
        var ending = Clean(trimmed[(trimmed.LastIndexOf('/') + 1)..]);
        var keyword = PathKeywords.ContainsKey(ending);
        return method switch
        {
            "POST" when ending == "action" => "create",
            "POST" => keyword ? "create" : "update",
            "GET" => keyword ? "read/list" : "read",
            "PUT" or "PATCH" => "update",
            "DELETE" => "delete",
            "HEAD" => "read",
            _ => "unknown",
        };
    }

    /// <summary>
    /// The target's CADF type (<c>_build_typeURI</c>): the service's type, then each keyword of
    /// the path, and after a keyword the name of the segment that follows it
    /// (<c>/v2/images/{id}/members/{m}</c>: <c>service/storage/image/images/image/members/member</c>).
    /// </summary>
    public static string TargetTypeUri(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var typeUri = new System.Text.StringBuilder(ServiceTypeUri);
        string? previous = null;
        foreach (var segment in path.Split('/'))
        {
            var key = Clean(segment);
            if (PathKeywords.ContainsKey(key))
            {
                typeUri.Append('/').Append(key);
            }
            else if (previous is not null && PathKeywords.TryGetValue(previous, out var name))
            {
                typeUri.Append('/').Append(name);
            }

            previous = key;
        }

        return typeUri.ToString();
    }

    // keystonemiddleware's _clean_path: a ".json" suffix is not part of the name.
    private static string Clean(string segment) => segment.EndsWith(".json", StringComparison.Ordinal) ? segment[..^5] : segment;
}
