using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glance.ImageStore.Tests.Support;
using Glance.Policy.Routing;

namespace Glance.ImageStore.Tests.Routing;

/// <summary>
/// <see cref="GlanceRoutes"/> against Glance 25.1 itself (/usr/bin/python3): the table against
/// <c>glance.api.v2.router.API</c>'s mapper, route by route, with the regular expression Routes
/// compiled for each; the method override against <c>routes.middleware.RoutesMiddleware</c>,
/// webob's <c>unquote</c> and Python's <c>str.upper</c>.
/// </summary>
public sealed class GlanceRoutesTests
{
    [Fact]
    public void Table_EveryRouteOfRouterPy_SameTemplateMethodsActionsAndAllow()
    {
        var routes = GlancePython.Run("table")["routes"]!.AsArray().Select(r => r!.AsObject()).ToList();

        // Group Glance's connects by path, in the order of each path's first connect.
        var expected = new List<(string Template, List<GlanceRouteMethod> Methods, string? Allow, string? Redirect)>();
        foreach (var route in routes)
        {
            var path = (string)route["path"]!;
            var template = "/v2" + path;
            var index = expected.FindIndex(e => e.Template == template);
            if (index < 0)
            {
                expected.Add((template, [], null, null));
                index = expected.Count - 1;
            }

            var entry = expected[index];
            if ((bool)route["redirect"]!)
            {
                Assert.Equal("302 Found", (string)route["redirect_status"]!);
                expected[index] = entry with { Redirect = "/v2" + (string)route["redirect_to"]! };
            }
            else if ((string?)route["action"] == "reject")
            {
                Assert.Null(entry.Allow);
                Assert.Null(route["conditions"]);
                expected[index] = entry with { Allow = (string)route["allowed_methods"]! };
            }
            else
            {
                // Only method conditions: nothing but the path and the method decides a match.
                Assert.Equal(["method"], route["conditions"]!.AsArray().Select(c => (string)c!));
                foreach (var method in route["methods"]!.AsArray())
                {
                    entry.Methods.Add(new((string)method!, (string)route["controller"]!, (string)route["action"]!, (bool)route["body_reject"]!));
                }
            }
        }

        Assert.Equal(expected.Select(e => e.Template), GlanceRoutes.All.Select(r => r.Template));
        foreach (var (template, methods, allow, redirect) in expected)
        {
            var route = GlanceRoutes.All.Single(r => r.Template == template);
            Assert.Equal(methods, route.Methods);
            Assert.True(allow == route.Allow, $"{template}: Allow {route.Allow ?? "(none)"}, Glance {allow ?? "(none)"}");
            Assert.Equal(redirect, route.RedirectLocation);
        }

        Assert.DoesNotContain(GlanceRoutes.All, r => r.Takes("HEAD"));
    }

    [Fact]
    public void Table_RoutesRegularExpressions_AreLiteralsAndOneSegmentParameters()
    {
        var routes = GlancePython.Run("table")["routes"]!.AsArray().Select(r => r!.AsObject());

        foreach (var route in routes)
        {
            var template = (string)route["path"]!;
            var regexp = (string)route["regexp"]!;
            Assert.True(PythonEscape(template) == regexp, $"{template}: Routes compiled {regexp}");
        }
    }

    [Fact]
    public void Table_NoTwoTemplates_MatchOnePath()
    {
        // Routes tries routes in its own order (by path prefix); the table may look templates up in
        // any order only because no path matches two of them.
        var templates = GlanceRoutes.All.Select(r => r.Template[1..].Split('/')).ToList();
        for (var i = 0; i < templates.Count; i++)
        {
            for (var j = i + 1; j < templates.Count; j++)
            {
                var a = templates[i];
                var b = templates[j];
                var overlap = a.Length == b.Length && a.Zip(b).All(p => p.First == p.Second || p.First.StartsWith('{') || p.Second.StartsWith('{'));
                Assert.False(overlap, $"/{string.Join('/', a)} and /{string.Join('/', b)} match the same paths");
            }
        }
    }

    [Theory]
    [InlineData("/v2/images/abc/members/m1", "/v2/images/{image_id}/members/{member_id}", "image_id=abc member_id=m1")]
    [InlineData("/v2/images/abc/members/..", "/v2/images/{image_id}/members/{member_id}", "image_id=abc member_id=..")]
    [InlineData("/v2/images/./members/.", "/v2/images/{image_id}/members/{member_id}", "image_id=. member_id=.")]
    [InlineData("/v2/images/abc/members/%2E%2E", "/v2/images/{image_id}/members/{member_id}", "image_id=abc member_id=..")]
    [InlineData("/v2/images/abc/members/m1%0A", "/v2/images/{image_id}/members/{member_id}", "image_id=abc member_id=m1")]
    [InlineData("/v2/images/abc/members/m1%0A%0A", "/v2/images/{image_id}/members/{member_id}", "image_id=abc member_id=m1\n")]
    [InlineData("/v2/images/abc/members/%0A", "/v2/images/{image_id}/members/{member_id}", "image_id=abc member_id=\n")]
    [InlineData("/v2/images/abc/members/m1%0D", "/v2/images/{image_id}/members/{member_id}", "image_id=abc member_id=m1\r")]
    [InlineData("/v2/images/abc/members%0A", "/v2/images/{image_id}/members", "image_id=abc")]
    [InlineData("/v2/images/a%0A/members", "/v2/images/{image_id}/members", "image_id=a\n")]
    [InlineData("/v2//images//abc", "/v2/images/{image_id}", "image_id=abc")]
    [InlineData("/v2/stores/s/i", "/v2/stores/{store_id}/{image_id}", "store_id=s image_id=i")]
    [InlineData("/v2", "/v2", "")]
    public void TryMatch_CanonicalSegments_TemplateAndValues(string raw, string template, string values)
    {
        var target = RequestTarget.Parse("GET", raw, null, GlanceApiVersions.Default);

        Assert.True(GlanceRoutes.TryMatch(target, out var route, out var found));
        Assert.Equal(template, route.Template);
        Assert.Equal(values, string.Join(' ', route.ParameterNames.Select(n => n + "=" + found[n])));
    }

    [Theory]
    [InlineData("/v2/images/abc/members/m1/")]
    [InlineData("/v2/images/abc/members/")]
    [InlineData("/v2/images/abc/members/m1/x")]
    [InlineData("/v2/images/abc/members/../members/m1")]
    [InlineData("/v2/IMAGES/abc")]
    [InlineData("/v2/images/abc/Members")]
    [InlineData("/v2/images/a%2Fb/members")]
    [InlineData("/v2/")]
    [InlineData("/v2/images/abc/members%0A%0A")]
    public void TryMatch_NoTemplate_False(string raw)
    {
        var target = RequestTarget.Parse("GET", raw, null, GlanceApiVersions.Default);

        Assert.False(GlanceRoutes.TryMatch(target, out _, out _));
    }

    [Theory]
    [InlineData("DELETE", "/v2/images/i/members/m", "", "Operation image_members.delete")]
    [InlineData("HEAD", "/v2/images/i/members/m", "", "MethodNotAllowed GET, PUT, DELETE")]
    [InlineData("HEAD", "/v2/images/i", "", "MethodNotAllowed GET, PATCH, DELETE")]
    [InlineData("CONNECT", "/v2/images", "", "MethodNotAllowed GET, POST")]
    [InlineData("TRACE", "/v2/schemas/image", "", "MethodNotAllowed GET")]
    [InlineData("PROPFIND", "/v2/images/i/file", "", "MethodNotAllowed GET, PUT")]
    [InlineData("get", "/v2/images", "", "MethodNotAllowed GET, POST")]
    [InlineData("POST", "/v2/images/i/tasks", "", "NotFound")]
    [InlineData("CONNECT", "/v2/images/i/tasks", "", "NotImplemented")]
    [InlineData("CONNECT", "/v2/nothing", "", "NotImplemented")]
    [InlineData("PATCH", "/v2/nothing", "", "NotFound")]
    [InlineData("CONNECT", "/v2", "", "Redirect")]
    [InlineData("GET", "/v2/images/i/members/m", "?_method=DELETE", "Operation image_members.delete")]
    [InlineData("OPTIONS", "/v2/images/i/members/m", "?_method=delete", "Operation image_members.delete")]
    [InlineData("GET", "/v2/images/i/members/m", "?a=1;_method=put", "Operation image_members.update")]
    [InlineData("GET", "/v2/images/i/members/m", "?_method=PATCH", "MethodNotAllowed GET, PUT, DELETE")]
    [InlineData("GET", "/v2/images/i/members/m", "?_method=", "Operation image_members.show")]
    [InlineData("GET", "/v2/images/i/members/m", "?%5Fmethod=DELETE", "Operation image_members.show")]
    [InlineData("GET", "/v2/images/i/members/m", "?x_method=DELETE", "Operation image_members.show")]
    [InlineData("GET", "/v2/images/i/members/m", "?_method=DELETE&_method=GET", "Operation image_members.show")]
    [InlineData("GET", "/v2/images/i/members/m", "?_method=DELETE&x=%FF", "Operation image_members.show")]
    [InlineData("GET", "/v2/images", "?_method=po%EF%AC%86", "Operation images.create")]
    [InlineData("GET", "/v2/images/i/tasks", "?_method=FOO", "NotFound")]
    [InlineData("CONNECT", "/v2/images/i/tasks", "?_method=GET", "Operation images.get_task_info")]
    public void Resolve_MethodAndTarget_AsGlancesRouter(string method, string path, string query, string expected)
    {
        var target = RequestTarget.Parse(method == "OPTIONS" ? "GET" : method, path + query, null, GlanceApiVersions.Default);

        var routing = GlanceRoutes.Resolve(target, method);

        var text = routing.Outcome switch
        {
            GlanceRouteOutcome.Operation => $"Operation {routing.Operation!.Controller}.{routing.Operation.Action}",
            GlanceRouteOutcome.MethodNotAllowed => $"MethodNotAllowed {routing.Allow}",
            _ => routing.Outcome.ToString(),
        };
        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData("POST", "", "application/x-www-form-urlencoded", true)]
    [InlineData("POST", "", "Multipart/Form-Data; boundary=x", true)]
    [InlineData("POST", "?_methodx", "application/x-www-form-urlencoded", false)]
    [InlineData("POST", "", "application/json", false)]
    [InlineData("POST", "", null, false)]
    [InlineData("PUT", "", "application/x-www-form-urlencoded", false)]
    [InlineData("post", "", "application/x-www-form-urlencoded", false)]
    public void ConsultsForm_MethodQueryContentType_AsIsFormPost(string method, string query, string? contentType, bool expected)
    {
        Assert.Equal(expected, GlanceMethodOverride.ConsultsForm(method, query, contentType));
    }

    [Fact]
    public void RoutingMethod_Queries_AsRoutesMiddleware()
    {
        string[] queries =
        [
            "", "a=1", "_method=DELETE", "_method=delete", "_method=DeLeTe", "_method=", "_method", "_method=&", "x_method=DELETE",
            "_method=DELETE&_method=", "_method=&_method=put", "_method=PUT;_method=patch", "a=1;_method=patch", "_method=get&_method=post",
            "%5Fmethod=DELETE", "_%6Dethod=DELETE", "_method=%44ELETE", "_method=DEL%45TE", "_method=DELETE+", "_method=+DELETE",
            "_method=DEL+ETE", "_method=DELETE%20", "_method=%FF", "_method=DELETE&x=%FF", "x=%FF&_method=DELETE", "_method=%C3%9F",
            "_method=po%EF%AC%86", "_method=%C4%B1", "_method=patch%C5%BF", "_method=d%C3%A9lete", "_method=%ZZ", "_method=%4", "_method=%",
            "_method=%%44ELETE", "_method=% 44", "_method=%-0DELETE", "_method=%+4", "_method==DELETE", "_method=DELETE=1", "=&_method=put",
            "_method=head", "_method=options", "_method=connect", "_method=%0ADELETE", "_method=DELETE%0A", "&&;;_method=put;;", "_METHOD=DELETE",
            "_method=\u00e9", "_method=\u00c3\u009f",
        ];
        var cases = new JsonArray();
        var expected = new List<string>();
        foreach (var query in queries)
        {
            foreach (var method in new[] { "GET", "POST", "HEAD" })
            {
                cases.Add(new JsonObject { ["method"] = method, ["query"] = query });
                expected.Add(GlanceRoutes.RoutingMethod(method, "?" + query));
            }
        }

        var glance = GlancePython.Run("override", cases)["methods"]!.AsArray().Select(m => (string)m!).ToList();

        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(glance[i] == expected[i], $"{cases[i]!.ToJsonString()}: Routes {glance[i]}, ours {expected[i]}");
        }
    }

    [Fact]
    public void WebobUnquote_EveryByteAndPairAfterPercent_AsWebob()
    {
        var inputs = new List<byte[]>();
        for (var a = 0; a < 256; a++)
        {
            inputs.Add([(byte)'x', (byte)'%', (byte)a]);
            for (var b = 0; b < 256; b++)
            {
                inputs.Add([(byte)'%', (byte)a, (byte)b, (byte)'z']);
            }
        }

        inputs.Add("%"u8.ToArray());
        inputs.Add("%%41%"u8.ToArray());
        inputs.Add("a%41%4%%2"u8.ToArray());
        var cases = new JsonArray([.. inputs.Select(i => (JsonNode)Convert.ToHexStringLower(i))]);

        var glance = GlancePython.Run("unquote", cases)["results"]!.AsArray().Select(r => (string)r!).ToList();

        for (var i = 0; i < inputs.Count; i++)
        {
            var ours = Convert.ToHexStringLower(GlanceMethodOverride.WebobUnquote(inputs[i]));
            Assert.True(glance[i] == ours, $"{Convert.ToHexStringLower(inputs[i])}: webob {glance[i]}, ours {ours}");
        }
    }

    [Fact]
    public void PythonUpper_EveryCodePoint_AsciiExactlyWherePythonsIs()
    {
        var python = GlancePython.Run("upper")["characters"]!.AsArray()
            .ToDictionary(c => (int)c![0]!, c => (string)c![1]!);

        var mismatches = new List<string>();
        for (var codePoint = 0x80; codePoint <= 0x10FFFF; codePoint++)
        {
            if (codePoint is >= 0xD800 and < 0xE000)
            {
                continue;
            }

            var ours = GlanceMethodOverride.PythonUpper(char.ConvertFromUtf32(codePoint));
            var pythons = python.TryGetValue(codePoint, out var upper) ? upper : null;
            var pythonAscii = pythons is not null && pythons.All(char.IsAscii);
            var ourAscii = ours.All(char.IsAscii);
            if (pythonAscii != ourAscii || (pythonAscii && pythons != ours))
            {
                mismatches.Add($"U+{codePoint:X4}: Python {pythons ?? "(non-ASCII)"}, ours {ours}");
            }
        }

        Assert.Empty(mismatches);
        Assert.Equal("DELETE", GlanceMethodOverride.PythonUpper("dElete"));
    }

    // re.escape of Python 3.7+ escapes only regex metacharacters: '/', '_' and letters stay.
    private static string PythonEscape(string template)
    {
        var builder = new StringBuilder("^");
        foreach (var part in Regex.Split(template, "({[a-z_]+})"))
        {
            if (part.StartsWith('{'))
            {
                builder.Append("(?P<").Append(part[1..^1]).Append(">[^/]+?)");
            }
            else
            {
                builder.Append(part);
            }
        }

        return builder.Append('$').ToString();
    }
}
