using Microsoft.AspNetCore.Http;

namespace Glance.Policy.Routing;

/// <summary>
/// The API versions a Glance 25 server accepts in a URL or media type (version_negotiation.py
/// <c>_get_allowed_versions</c>) and lists in its versions document (versions.py), which both
/// depend on two of its settings: an image cache (<c>image_cache_dir</c>) and several stores
/// (<c>enabled_backends</c>). Without either: v2, v2.0-v2.7, v2.9 and v2.15.
/// </summary>
public sealed class GlanceApiVersions
{
    private readonly HashSet<string> _allowed;
    private readonly (string Id, string Status)[] _document;

    /// <summary>The versions of a Glance with or without an image cache and several stores.</summary>
    public GlanceApiVersions(bool imageCache = false, bool multipleStores = false)
    {
        _allowed = ["v2", "v2.0", "v2.1", "v2.2", "v2.3", "v2.4", "v2.5", "v2.6", "v2.7", "v2.9", "v2.15"];
        if (imageCache)
        {
            _allowed.UnionWith(["v2.14", "v2.16"]);
        }

        if (multipleStores)
        {
            _allowed.UnionWith(["v2.8", "v2.10", "v2.11", "v2.12", "v2.13"]);
        }

        var document = new List<(string, string)>();
        document.AddRange(imageCache ? [("v2.16", "CURRENT"), ("v2.15", "SUPPORTED"), ("v2.14", "SUPPORTED")] : [("v2.15", "CURRENT")]);
        document.AddRange(multipleStores
            ? [("v2.13", "SUPPORTED"), ("v2.12", "SUPPORTED"), ("v2.11", "SUPPORTED"), ("v2.10", "SUPPORTED"), ("v2.9", "SUPPORTED"), ("v2.8", "SUPPORTED")]
            : [("v2.9", "SUPPORTED")]);
        foreach (var minor in new[] { "7", "6", "5", "4", "3", "2", "1", "0" })
        {
            document.Add(("v2." + minor, "SUPPORTED"));
        }

        _document = [.. document];
    }

    /// <summary>Glance 25's defaults.</summary>
    public static GlanceApiVersions Default { get; } = new();

    /// <summary>True when <paramref name="version"/> (<c>v2</c>, <c>v2.7</c>, ...) is accepted, exactly as written.</summary>
    public bool IsAllowed(string? version) => version is not null && _allowed.Contains(version);

    /// <summary>
    /// Writes the versions document: 200 for an explicit <c>/versions</c>, else 300 Multiple
    /// Choices; every link is <paramref name="baseUrl"/> + <c>v2/</c>. No body for HEAD, and
    /// neither body nor Content-Length on the 200 to CONNECT (<see cref="Responses.ResponseBody"/>).
    /// </summary>
    public Task WriteAsync(HttpContext context, bool explicitRequest, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(baseUrl);
        var href = Errors.GlanceErrorBody.JsonString(baseUrl.TrimEnd('/') + "/v2/");

        // jsonutils.dump_as_bytes: Python's json.dumps, ", " and ": " separators.
        var text = new System.Text.StringBuilder("{\"versions\": [");
        for (var i = 0; i < _document.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ")
                .Append("{\"id\": \"").Append(_document[i].Id).Append("\", \"status\": \"").Append(_document[i].Status)
                .Append("\", \"links\": [{\"rel\": \"self\", \"href\": ").Append(href).Append("}]}");
        }

        var body = System.Text.Encoding.UTF8.GetBytes(text.Append("]}").ToString());
        var response = context.Response;
        response.StatusCode = explicitRequest ? StatusCodes.Status200OK : StatusCodes.Status300MultipleChoices;
        response.ContentType = "application/json";
        return Responses.ResponseBody.WriteAsync(context, body);
    }
}
