using Microsoft.AspNetCore.Routing.Template;

namespace Glance.Gateway.Routing;

/// <summary>
/// What a routes file must not do to the image API, checked with YARP's own validation on every
/// load (a refusal at start-up stops the gateway; on an edit the last good routes stay), so that
/// an edit can never make the gateway forward what it did not decide on:
/// no path transform on a route that matches <c>/v2/images/…</c> (the backend would carry out
/// another request than the one decided), and no route carrying member DELETEs to a cluster with no
/// destination, which the pre-check could not read image facts from.
/// </summary>
public static class GlanceRouteRules
{
    private static readonly string[] ImagePaths =
        ["/v2/images", "/v2/images/id", "/v2/images/id/members", "/v2/images/id/members/member", "/v2/images/id/file", "/v2/images/id/actions/deactivate"];

    private const string MemberPath = "/v2/images/id/members/member";

    /// <summary>The problems of the <c>ReverseProxy</c> section; empty when it keeps the image API decided.</summary>
    public static IReadOnlyList<string> Check(IConfiguration reverseProxy)
    {
        ArgumentNullException.ThrowIfNull(reverseProxy);
        var problems = new List<string>();
        var clusters = reverseProxy.GetSection("Clusters");
        foreach (var route in reverseProxy.GetSection("Routes").GetChildren())
        {
            var path = route["Match:Path"];
            var methods = route.GetSection("Match:Methods").GetChildren().Select(m => m.Value).ToList();
            var images = ImagePaths.Where(p => Matches(path, p)).ToList();
            if (images.Count == 0)
            {
                continue;
            }

            var pathTransform = route.GetSection("Transforms").GetChildren()
                .SelectMany(t => t.GetChildren())
                .FirstOrDefault(t => t.Key.StartsWith("Path", StringComparison.OrdinalIgnoreCase));
            if (pathTransform is not null)
            {
                problems.Add($"Route '{route.Key}' matches {images[0]} and has a path transform ({pathTransform.Key}): "
                    + "the backend would carry out another request than the one the gateway decided on.");
            }

            var carriesMemberDelete = images.Contains(MemberPath)
                && (methods.Count == 0 || methods.Any(m => string.Equals(m, "DELETE", StringComparison.OrdinalIgnoreCase)));
            var clusterId = route["ClusterId"];
            if (carriesMemberDelete && (clusterId is null || !clusters.GetSection(clusterId).GetSection("Destinations").GetChildren()
                    .Any(d => !string.IsNullOrWhiteSpace(d["Address"]))))
            {
                problems.Add($"Route '{route.Key}' carries member DELETEs to cluster '{clusterId ?? "(none)"}', "
                    + "which has no destination the pre-check can read image facts from.");
            }
        }

        return problems;
    }

    // A route with no path matches every path (YARP requires hosts then).
    private static bool Matches(string? template, string path)
    {
        if (string.IsNullOrEmpty(template))
        {
            return true;
        }

        try
        {
            return new TemplateMatcher(TemplateParser.Parse(template), []).TryMatch(path, []);
        }
        catch (ArgumentException)
        {
            // YARP's own validation names an invalid template.
            return false;
        }
    }
}
