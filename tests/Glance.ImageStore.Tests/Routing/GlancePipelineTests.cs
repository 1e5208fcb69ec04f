using System.Text;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;
using Glance.Policy.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Glance.ImageStore.Tests.Routing;

/// <summary>
/// About 10,800 requests (every route × methods, dot segments, <c>%2F</c>, <c>//</c>, trailing
/// slashes and newlines, extra segments, upper-case literals, every version prefix form, the
/// <c>Accept</c> media type, <c>_method</c> in the query and in a form POST, error formats) sent
/// through Glance 25.1's own paste pipeline (glance_router.py, eventlet's environ from the raw
/// target) and through <see cref="RequestTarget.Parse"/> + <see cref="GlanceRoutes.Resolve"/>: the
/// same outcome, status, <c>Allow</c>, <c>Location</c>, operation (controller, action, arguments)
/// and, for what the router itself answers, the same body byte for byte.
/// </summary>
public sealed class GlancePipelineTests
{
    private const string BaseUrl = "http://store.test:9292";

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "CONNECT", "TRACE", "PROPFIND", "get", "M-SEARCH"];

    [Fact]
    public async Task Pipeline_GeneratedRequests_AnsweredAsGlance()
    {
        var cases = Cases().ToList();
        var input = new JsonArray([.. cases.Select(c => (JsonNode)c.ToJson())]);

        var results = GlancePython.Run("pipeline", input)["results"]!.AsArray();

        Assert.Equal(cases.Count, results.Count);
        var mismatches = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var glance = results[i]!.AsObject();
            var ours = await OursAsync(cases[i]);
            var theirs = Describe(glance, cases[i].Method);
            if (ours != theirs)
            {
                mismatches.Add($"{cases[i]}\n    Glance: {theirs}\n    ours:   {ours}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cases.Count} differ:\n" + string.Join('\n', mismatches.Take(40)));
        Assert.True(cases.Count > 10000, $"only {cases.Count} cases");
    }

    /// <summary>
    /// What the gateway forwards (the canonical path re-encoded, the query as sent, no version
    /// media type) routes in the store exactly as the original target: same route, operation,
    /// parameter values and routing method, for every generated API target.
    /// </summary>
    [Fact]
    public void Forwarded_CanonicalPathReEncoded_RoutesTheSame()
    {
        var checkedCount = 0;
        foreach (var request in Cases())
        {
            var target = RequestTarget.Parse(request.Method, request.Target, request.Accept, GlanceApiVersions.Default);
            if (target.Kind != RequestTargetKind.Api || target.HasBlankImageId)
            {
                continue;
            }

            var again = RequestTarget.Parse(request.Method, target.EncodedPath() + target.Query, target.VersionFromMediaType ? null : request.Accept, GlanceApiVersions.Default);
            Assert.Equal(target.Segments, again.Segments);
            var first = GlanceRoutes.Resolve(target, request.Method);
            var second = GlanceRoutes.Resolve(again, request.Method);
            Assert.True(first.ToString() == second.ToString() && first.Values.SequenceEqual(second.Values), $"{request}: {first} / {second}");
            checkedCount++;
        }

        Assert.True(checkedCount > 2500, $"only {checkedCount} API targets");
    }

    /// <summary>
    /// Where the canonical request target deliberately or knowingly answers otherwise than Glance's
    /// pipeline: shown here with Glance's answer, so that the difference is on record.
    /// </summary>
    [Fact]
    public void Pipeline_KnownDifferences_GlancesAnswerOnRecord()
    {
        Case[] cases =
        [
            // CONFORMANCE row 2 (the seed): DELETE with a blank image id is 405; Glance collapses the
            // slashes and finds no route.
            new("DELETE", "/v2/images//members/m"),

            // Absolute-form: eventlet puts the whole target in PATH_INFO, so the version is "http:".
            new("GET", "http://store.test:9292/v2/images"),

            // The CORS layer lets OPTIONS through the pipeline and keeps a 2xx answer: here an
            // operation chosen by _method.
            new("OPTIONS", "/v2/images?_method=GET"),

            // The versions document answers CONNECT 200 with its body and Content-Length; on a 2xx
            // to CONNECT HTTP allows neither, so ours is Glance's status and type without them.
            new("CONNECT", "/versions"),
        ];
        var results = GlancePython.Run("pipeline", new JsonArray([.. cases.Select(c => (JsonNode)c.ToJson())]))["results"]!.AsArray();

        Assert.Equal(404, (int)results[0]!["status"]!);
        Assert.Equal(300, (int)results[1]!["status"]!);
        Assert.Equal(299, (int)results[2]!["status"]!);
        Assert.Equal("index", (string)results[2]!["route"]!["action"]!);
        Assert.Equal(200, (int)results[3]!["status"]!);
        Assert.StartsWith("{\"versions\": [", (string)results[3]!["body"]!, StringComparison.Ordinal);

        Assert.True(RequestTarget.Parse("DELETE", "/v2/images//members/m", null, GlanceApiVersions.Default).HasBlankImageId);
        // No longer a difference: an absolute-form target names no version here either.
        Assert.Equal(RequestTargetKind.VersionChoices, RequestTarget.Parse("GET", "http://store.test:9292/v2/images", null, GlanceApiVersions.Default).Kind);
        Assert.Equal(RequestTargetKind.Options, RequestTarget.Parse("OPTIONS", "/v2/images?_method=GET", null, GlanceApiVersions.Default).Kind);
        Assert.True(Glance.Policy.Responses.ResponseBody.IsForbidden(new DefaultHttpContext { Request = { Method = "CONNECT" } }));
    }

    private static IEnumerable<Case> Cases()
    {
        var routes = GlanceRoutes.All.Where(r => r.RedirectLocation is null).ToList();
        foreach (var route in routes)
        {
            var path = Instantiate(route, "p");
            foreach (var method in Methods)
            {
                yield return new(method, path);
            }

            foreach (var value in new[] { ".", "..", "%2E%2E", "%2e", "a.b", "%C3%A9", "a%20b", "%25", "a%3Fb", "*" })
            {
                var odd = Instantiate(route, value);
                yield return new("GET", odd);
                yield return new("DELETE", odd);
            }

            foreach (var method in new[] { "GET", "DELETE", "CONNECT" })
            {
                yield return new(method, path + "/");
                yield return new(method, path + "/extra");
                yield return new(method, path.Replace("/", "//", StringComparison.Ordinal));
                yield return new(method, path + "%0A");
                yield return new(method, path + "%0A%0A");
                yield return new(method, path + "%0D");
                yield return new(method, path + "%2F");
                yield return new(method, path.Replace("/p1", "/p%2F1", StringComparison.Ordinal));
                yield return new(method, UpperFirstLiteral(path));
                yield return new(method, path[..path.LastIndexOf('/')] + "/" + path[(path.LastIndexOf('/') + 1)..].ToUpperInvariant());
            }

            foreach (var query in new[] { "?a=1", "?_method=DELETE", "?_method=get", "?_method=put", "?_method=PATCH", "?_method=POST", "?_method=", "?x_method=DELETE", "?a=1;_method=delete", "?_method=po%EF%AC%86", "?_method=DELETE&_method=GET", "?_method=HEAD" })
            {
                foreach (var method in new[] { "GET", "POST", "HEAD", "CONNECT" })
                {
                    yield return new(method, path + query);
                }
            }

            yield return new("POST", path, ContentType: "application/x-www-form-urlencoded", Body: "_method=DELETE");
            yield return new("POST", path, ContentType: "application/x-www-form-urlencoded; charset=UTF-8", Body: "a=1&_method=get");
            yield return new("POST", path, ContentType: "application/x-www-form-urlencoded", Body: "_method=PUT&_method=");
            yield return new("POST", path + "?_method", ContentType: "application/x-www-form-urlencoded", Body: "_method=DELETE");
            yield return new("POST", path, ContentType: "application/json", Body: "_method=DELETE");
            foreach (var method in new[] { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "PROPFIND", "post" })
            {
                foreach (var body in new[] { "{}", "[1, NaN]", "x", "1", "\"s\"", "{\"a\": 1,}", "[]  \n", "\ufeff{}" })
                {
                    yield return new(method, path, ContentType: "application/json", Body: body);
                }

                yield return new(method, path, Chunked: true, Body: "{}");
                yield return new(method, path, Chunked: true, Body: string.Empty);
                yield return new(method, path, Chunked: true, Body: "x");
            }


            foreach (var accept in new[] { "application/json", "text/html", "text/html;q=0.5, application/json", "*/*" })
            {
                yield return new("CONNECT", path, accept);
                yield return new("HEAD", path, accept);
                yield return new("TRACE", path + "/x", accept);
                yield return new("GET", path + "/x", accept);
            }
        }

        foreach (var version in new[] { "v2", "v2.0", "v2.1", "v2.2", "v2.3", "v2.4", "v2.5", "v2.6", "v2.7", "v2.8", "v2.9", "v2.10", "v2.13", "v2.14", "v2.15", "v2.16", "V2", "v2.", "v2.01", "v1", "v1.1", "v3", "images", "versions" })
        {
            foreach (var rest in new[] { "/images", "/images/i/members/m", "", "/", "/images/i/members/m?_method=DELETE" })
            {
                yield return new("GET", "/" + version + rest);
                yield return new("DELETE", "/" + version + rest);
                yield return new("CONNECT", "/" + version + rest);
            }
        }

        foreach (var accept in new[] { "application/vnd.openstack.images-v2", "application/vnd.openstack.images-v2.1", "application/vnd.openstack.images-v2.8", "application/vnd.openstack.images-v3", "application/vnd.openstack.images-v2, application/json", "application/json" })
        {
            foreach (var path in new[] { "/images", "/images/i/members/m", "/v2/images", "/", "/versions" })
            {
                yield return new("GET", path, accept);
                yield return new("DELETE", path, accept);
            }
        }

        foreach (var path in new[] { "/", "//", "/versions", "/versions/", "/versions/x", "//versions", "/v2", "/v2?x=1", "/v2/", "//v2", "/v2//", "/v2.1", "/v2%2F", "/v2%2Fimages", "/v2/images/%2E%2E/members/m", "/v2/images/i/members/%2E%2E", "/v2/images/i/members/../members/m", "/v2/images/i/./members/m", "/v2/./images", "/%76%32/images", "/v2/%69mages" })
        {
            foreach (var method in new[] { "GET", "HEAD", "POST", "DELETE", "CONNECT", "OPTIONS" })
            {
                yield return new(method, path);
            }
        }
    }

    private static string Instantiate(GlanceRoute route, string value)
    {
        var index = 0;
        return string.Join('/', route.Template.Split('/').Select(s => s.StartsWith('{') ? (value == "p" ? "p" + ++index : value) : s));
    }

    private static string UpperFirstLiteral(string path)
    {
        var segments = path.Split('/');
        segments[2] = segments[2].ToUpperInvariant();
        return string.Join('/', segments);
    }

    private static async Task<string> OursAsync(Case request)
    {
        var target = RequestTarget.Parse(request.Method, request.Target, request.Accept, GlanceApiVersions.Default);
        var context = new DefaultHttpContext();
        context.Request.Method = request.Method;
        if (request.Accept is not null)
        {
            context.Request.Headers.Accept = request.Accept;
        }

        context.Response.Body = new MemoryStream();
        switch (target.Kind)
        {
            case RequestTargetKind.Options:
                return "200 type=(none) body=";
            case RequestTargetKind.Versions:
            case RequestTargetKind.VersionChoices:
                await GlanceApiVersions.Default.WriteAsync(context, target.Kind == RequestTargetKind.Versions, BaseUrl);
                return Written(context);
        }

        string? form = null;
        if (request.Body is not null && GlanceMethodOverride.ConsultsForm(request.Method, target.Query, request.ContentType))
        {
            form = QueryHelpers.ParseQuery(request.Body).TryGetValue("_method", out var values) ? values[^1] : null;
        }

        var routing = GlanceRoutes.Resolve(target, request.Method, form);
        var hasBody = GlanceRequestBody.HasBody(request.Method, request.Chunked ? "chunked" : null, request.Chunked ? null : Encoding.UTF8.GetByteCount(request.Body ?? string.Empty));
        if (routing.Outcome == GlanceRouteOutcome.Operation)
        {
            var args = string.Join(", ", routing.Values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}"));
            return $"299 {routing.Operation!.Controller}.{routing.Operation.Action} body_reject={routing.Operation.BodyReject} has_body={hasBody} method={routing.Method} [{args}]";
        }

        if (routing.Outcome == GlanceRouteOutcome.MethodNotAllowed && hasBody
            && GlanceRequestBody.JsonError(Encoding.UTF8.GetBytes(request.Body ?? string.Empty)) is { } error)
        {
            await Glance.Policy.Errors.GlanceErrorWriter.WriteAsync(context, 400, error);
            return Written(context);
        }

        await routing.WriteAsync(context, BaseUrl);
        return Written(context);
    }

    private static string Written(HttpContext context)
    {
        var response = context.Response;
        var body = Encoding.UTF8.GetString(((MemoryStream)response.Body).ToArray());
        var text = $"{response.StatusCode} type={response.ContentType ?? "(none)"} body={body}";
        if (response.Headers.Allow.Count > 0)
        {
            text += $" allow={response.Headers.Allow}";
        }

        if (response.Headers.Location.Count > 0)
        {
            text += $" location={response.Headers.Location}";
        }

        return text;
    }

    // Glance's answer as ours must be, but for the one thing HTTP forbids: a 2xx answer to CONNECT
    // carries no body (RFC 9110 section 9.3.6; Glance's eventlet sends one, Kestrel cannot).
    private static string Describe(JsonObject glance, string method)
    {
        var status = (int)glance["status"]!;
        if (glance["route"] is JsonObject route)
        {
            var args = string.Join(", ", route["args"]!.AsObject().OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={(string)a.Value!}"));
            return $"{status} {(string)route["controller"]!}.{(string)route["action"]!} body_reject={(bool)route["body_reject"]!} has_body={(bool)glance["has_body"]!} method={(string)route["method"]!} [{args}]";
        }

        var body = status is >= 200 and < 300 && method == "CONNECT" ? string.Empty : (string)glance["body"]!;
        var text = $"{status} type={(string?)glance["content_type"] ?? "(none)"} body={body}";
        if ((string?)glance["allow"] is { } allow)
        {
            text += $" allow={allow}";
        }

        if ((string?)glance["location"] is { } location)
        {
            text += $" location={location}";
        }

        return text;
    }

    private sealed record Case(string Method, string Target, string? Accept = null, string? ContentType = null, string? Body = null, bool Chunked = false)
    {
        public JsonObject ToJson()
        {
            var headers = new JsonObject();
            if (Accept is not null)
            {
                headers[nameof(Accept)] = Accept;
            }

            if (ContentType is not null)
            {
                headers["Content-Type"] = ContentType;
            }

            if (Chunked)
            {
                headers["Transfer-Encoding"] = "chunked";
            }

            return new JsonObject { ["method"] = Method, ["target"] = Target, ["headers"] = headers, ["body"] = Body ?? string.Empty };
        }

        public override string ToString() => $"{Method} {Target}" + (Accept is null ? string.Empty : $" Accept: {Accept}") + (Body is null ? string.Empty : $" [{ContentType}{(Chunked ? " chunked" : string.Empty)}] {Body}");
    }
}
