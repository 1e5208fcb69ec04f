using System.Net;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;
using Glance.Policy.Routing;

namespace Glance.ImageStore.Tests.Routing;

/// <summary>
/// CONFORMANCE.md section 6 over real HTTP to the store on its own, every request target sent
/// exactly as written (a raw socket: HttpClient resolves dot segments): each row's status,
/// message, headers, and what happened to a shared image with two members: nothing, unless the
/// row says Glance would delete the member (or the image). Each row builds its own image.
/// </summary>
public abstract partial class RoutingConformanceTests(StoreFixture fixture)
{
    private const string NoRoute = "The resource could not be found.";
    private const string MemberAllow = "GET, PUT, DELETE";
    private const string Versions = "{\"versions\": [{\"id\": \"v2.15\", \"status\": \"CURRENT\", \"links\": [{\"rel\": \"self\", \"href\": \"{base}/v2/\"}]}, {\"id\": \"v2.9\"";

    private static readonly Row[] AllRows =
    [
        // Step 1: OPTIONS, before anything, with or without identity.
        new("options member path", "OPTIONS", "/v2/images/{image}/members/{member}", 200, Body: string.Empty, RequestId: false, ContentType: "(none)"),
        new("options anonymous", "OPTIONS", "/v2/images/{image}/members/{member}", 200, Body: string.Empty, RequestId: false, Anonymous: true),
        new("options no route", "OPTIONS", "/v2/nothing/at/all", 200, Body: string.Empty, RequestId: false),
        new("options asterisk", "OPTIONS", "*", 200, Body: string.Empty, RequestId: false),
        new("options versions", "OPTIONS", "/versions", 200, BodyStart: Versions, RequestId: false),
        // Glance's CORS layer would let this one through to the member delete (README, known
        // differences); answered here like any OPTIONS, it changes nothing.
        new("options override", "OPTIONS", "/v2/images/{image}/members/{member}?_method=DELETE", 200, Body: string.Empty),

        // Step 2: the version prefix, before authentication.
        new("v2", "DELETE", "/v2/images/{image}/members/{member}", 204, Effect: Effect.MemberDeleted),
        new("v2.0", "DELETE", "/v2.0/images/{image}/members/{member}", 204, Effect: Effect.MemberDeleted),
        new("v2.1", "DELETE", "/v2.1/images/{image}/members/{member}", 204, Effect: Effect.MemberDeleted),
        new("v2.7", "DELETE", "/v2.7/images/{image}/members/{member}", 204, Effect: Effect.MemberDeleted),
        new("v2.9", "DELETE", "/v2.9/images/{image}/members/{member}", 204, Effect: Effect.MemberDeleted),
        new("v2.15", "DELETE", "/v2.15/images/{image}/members/{member}", 204, Effect: Effect.MemberDeleted),
        new("v2.8 not allowed", "DELETE", "/v2.8/images/{image}/members/{member}", 300, BodyStart: Versions, RequestId: false),
        new("v2.16 not allowed", "DELETE", "/v2.16/images/{image}/members/{member}", 300, BodyStart: Versions, RequestId: false),
        new("v1", "DELETE", "/v1/images/{image}/members/{member}", 300, BodyStart: Versions, RequestId: false),
        new("V2 upper case", "DELETE", "/V2/images/{image}/members/{member}", 300, BodyStart: Versions, RequestId: false),
        new("no version", "DELETE", "/images/{image}/members/{member}", 300, BodyStart: Versions, RequestId: false),
        new("no version anonymous", "DELETE", "/images/{image}/members/{member}", 300, BodyStart: Versions, RequestId: false, Anonymous: true),
        new("root", "GET", "/", 300, BodyStart: Versions, RequestId: false, ContentType: "application/json"),
        new("versions", "GET", "/versions", 200, BodyStart: Versions, RequestId: false),
        new("versions post", "POST", "/versions", 200, BodyStart: Versions, RequestId: false),
        new("v2 itself", "GET", "/v2", 302, Location: "{base}/v2/", ContentType: "text/plain; charset=utf8"),
        new("v2 itself delete", "DELETE", "/v2?x=1", 302, Location: "{base}/v2/"),
        new("v2 slash", "GET", "/v2/", 404, Explanation: NoRoute),
        new("media type v2.1", "DELETE", "/images/{image}/members/{member}", 204, Accept: "application/vnd.openstack.images-v2.1", Effect: Effect.MemberDeleted),
        new("media type and prefix", "DELETE", "/v2/images/{image}/members/{member}", 404, Accept: "application/vnd.openstack.images-v2", Explanation: NoRoute),
        new("media type v2.8", "DELETE", "/v2/images/{image}/members/{member}", 300, Accept: "application/vnd.openstack.images-v2.8", BodyStart: Versions),
        new("healthcheck", "GET", "/healthcheck", 200, Body: "OK", RequestId: false, Anonymous: true),

        // Step 3: then authentication, whatever the route.
        new("anonymous member delete", "DELETE", "/v2/images/{image}/members/{member}", 401, Anonymous: true),
        new("anonymous no route", "GET", "/v2/nothing", 401, Anonymous: true),
        new("anonymous propfind", "PROPFIND", "/v2/images", 401, Anonymous: true),

        // Step 4: percent-decoding (%2F too), slash runs collapsed; the seed's blank image id.
        new("encoded hyphens", "DELETE", "/v2/images/{image-encoded}/members/{member}", 204, Effect: Effect.MemberDeleted),
        new("encoded letters", "DELETE", "/%76%32/images/{image}/%6Dembers/{member}", 204, Effect: Effect.MemberDeleted),
        new("slash runs", "DELETE", "//v2//images//{image}///members//{member}", 204, Effect: Effect.MemberDeleted),
        new("encoded slash before member", "DELETE", "/v2/images/{image}/members%2F{member}", 204, Effect: Effect.MemberDeleted),
        new("encoded slashes throughout", "DELETE", "/v2%2Fimages%2F{image}%2Fmembers%2F{member}", 204, Effect: Effect.MemberDeleted),
        new("encoded slash in image id", "DELETE", "/v2/images/{image-slash}/members/{member}", 404, Explanation: NoRoute),
        new("blank image id", "DELETE", "/v2/images//members/{member}", 405, Explanation: "The method DELETE is not allowed for this resource. ", Allow: MemberAllow),
        new("blank image id get", "GET", "/v2/images//members/{member}", 404, Explanation: NoRoute),
        new("blank image id collection", "DELETE", "/v2/images//members", 404, Explanation: "Failed to find image members to delete"),

        // Step 5: dot segments are literal; trailing slash, empty member id, extra segments: no route.
        new("member id dot dot", "DELETE", "/v2/images/{image}/members/..", 404, Explanation: ".. not found in the member list of the image {image}."),
        new("member id encoded dot dot", "DELETE", "/v2/images/{image}/members/%2E%2E", 404, Explanation: ".. not found in the member list of the image {image}."),
        new("member id dot", "DELETE", "/v2/images/{image}/members/.", 404, Explanation: ". not found in the member list of the image {image}."),
        new("dot dot back to members", "DELETE", "/v2/images/{image}/members/../members/{member}", 404, Explanation: NoRoute),
        new("dot dot after member", "DELETE", "/v2/images/{image}/members/{member}/..", 404, Explanation: NoRoute),
        new("two dot dots after members", "DELETE", "/v2/images/{image}/members/%2E%2E/%2E%2E", 404, Explanation: NoRoute),
        new("dot before members", "DELETE", "/v2/images/{image}/./members/{member}", 404, Explanation: NoRoute),
        new("image id dot dot", "DELETE", "/v2/images/../members/{member}", 404, Explanation: "Image .. not found."),
        new("trailing slash", "DELETE", "/v2/images/{image}/members/{member}/", 404, Explanation: NoRoute),
        new("empty member id", "DELETE", "/v2/images/{image}/members/", 404, Explanation: NoRoute),
        new("extra segment", "DELETE", "/v2/images/{image}/members/{member}/extra", 404, Explanation: NoRoute),
        new("image trailing slash", "DELETE", "/v2/images/{image}/", 404, Explanation: NoRoute),
        new("trailing newline", "DELETE", "/v2/images/{image}/members/{member}%0A", 204, Effect: Effect.MemberDeleted),
        new("trailing newline on collection", "GET", "/v2/images/{image}/members%0A", 200),
        new("two trailing newlines", "DELETE", "/v2/images/{image}/members/{member}%0A%0A", 404, Explanation: "{member}  not found in the member list of the image {image}."),

        // Step 6: literals are case-sensitive; the query string does not route, except Routes' _method.
        new("upper-case images", "DELETE", "/v2/IMAGES/{image}/members/{member}", 404, Explanation: NoRoute),
        new("upper-case members", "DELETE", "/v2/images/{image}/Members/{member}", 404, Explanation: NoRoute),
        new("query string", "DELETE", "/v2/images/{image}/members/{member}?member={other}&image=x", 204, Effect: Effect.MemberDeleted),
        new("query with path", "DELETE", "/v2/images/{image}/members/{member}?/../../{other}", 204, Effect: Effect.MemberDeleted),
        new("override get to delete", "GET", "/v2/images/{image}/members/{member}?_method=DELETE", 204, Effect: Effect.MemberDeleted),
        new("override put to delete lower case", "PUT", "/v2/images/{image}/members/{member}?a=1;_method=delete", 204, Effect: Effect.MemberDeleted),
        new("override delete to get", "DELETE", "/v2/images/{image}/members/{member}?_method=GET", 200),
        new("override to patch", "GET", "/v2/images/{image}/members/{member}?_method=PATCH", 405, Explanation: "The method GET is not allowed for this resource. ", Allow: MemberAllow),
        new("override get deletes the image", "GET", "/v2/images/{image}?_method=DELETE", 204, Effect: Effect.ImageDeleted),
        new("override head to get", "HEAD", "/v2/images/{image}?_method=GET", 200, Body: string.Empty),
        new("override encoded name", "GET", "/v2/images/{image}/members/{member}?%5Fmethod=DELETE", 200),
        new("override undecodable", "GET", "/v2/images/{image}/members/{member}?_method=DELETE&x=%FF", 200),
        new("form override", "POST", "/v2/images/{image}/members/{member}", 400, Explanation: "A body is not expected with this request.", FormBody: "_method=DELETE"),

        // Methods a resource does not take: 405 with Allow (HEAD too), or 404/501 without a route.
        new("head member", "HEAD", "/v2/images/{image}/members/{member}", 405, Allow: MemberAllow, Body: string.Empty, ContentType: "text/html; charset=UTF-8"),
        new("head members", "HEAD", "/v2/images/{image}/members", 405, Allow: "GET, POST", Body: string.Empty),
        new("head image", "HEAD", "/v2/images/{image}", 405, Allow: "GET, PATCH, DELETE", Body: string.Empty),
        new("head images", "HEAD", "/v2/images", 405, Allow: "GET, POST", Body: string.Empty),
        new("head file", "HEAD", "/v2/images/{image}/file", 405, Allow: "GET, PUT", Body: string.Empty),
        new("head schema", "HEAD", "/v2/schemas/image", 405, Allow: "GET", Body: string.Empty),
        new("head no route", "HEAD", "/v2/nothing", 404, Body: string.Empty),
        new("connect member", "CONNECT", "/v2/images/{image}/members/{member}", 405, Explanation: "The method CONNECT is not allowed for this resource. ", Allow: MemberAllow),
        new("connect images", "CONNECT", "/v2/images", 405, Allow: "GET, POST"),
        new("connect no route", "CONNECT", "/v2/nothing", 501, Body: "501 Not Implemented\n\n The request method CONNECT is not implemented for this server. \n\n "),
        new("trace member", "TRACE", "/v2/images/{image}/members/{member}", 405, Explanation: "The method TRACE is not allowed for this resource. ", Allow: MemberAllow),
        new("propfind image", "PROPFIND", "/v2/images/{image}", 405, Explanation: "The method PROPFIND is not allowed for this resource. ", Allow: "GET, PATCH, DELETE"),
        new("patch member", "PATCH", "/v2/images/{image}/members/{member}", 405, Explanation: "The method PATCH is not allowed for this resource. ", Allow: MemberAllow),
        new("lower-case delete", "delete", "/v2/images/{image}/members/{member}", 405, Explanation: "The method delete is not allowed for this resource. ", Allow: MemberAllow),
        new("post member json body", "POST", "/v2/images/{image}/members/{member}", 405, Allow: MemberAllow, JsonBody: "{}"),
        new("post member malformed body", "POST", "/v2/images/{image}/members/{member}", 400, Explanation: "Malformed JSON in request body.", JsonBody: "x"),
        new("post member scalar body", "POST", "/v2/images/{image}/members/{member}", 400, Explanation: "Unexpected body type. Expected list/dict.", JsonBody: "1"),
        new("tasks post", "POST", "/v2/images/{image}/tasks", 404, Explanation: NoRoute),
        new("unimplemented method no route", "PROPFIND", "/v2/nothing", 501, Body: "501 Not Implemented\n\n The request method PROPFIND is not implemented for this server. \n\n "),
        new("unimplemented method image tasks", "TRACE", "/v2/images/{image}/tasks", 501),
        new("tasks, not admin", "GET", "/v2/tasks", 403, Explanation: "You are not authorized to complete tasks_api_access action."),
        new("tasks, other method", "PATCH", "/v2/tasks", 405, Allow: "GET, POST"),

        // Bodies as Glance's Resource reads them.
        new("delete with body", "DELETE", "/v2/images/{image}/members/{member}", 400, Explanation: "A body is not expected with this request.", JsonBody: "{}"),
        new("chunked delete", "DELETE", "/v2/images/{image}/members/{member}", 204, Chunked: true, Effect: Effect.MemberDeleted),
    ];

    private enum Effect
    {
        None,
        MemberDeleted,
        ImageDeleted,
    }

    public static TheoryData<string> Rows() => [.. AllRows.Select(r => r.Name)];

    /// <summary>The rows the gateway forwards (API targets, not the seed's blank image id, which it answers itself).</summary>
    public static TheoryData<string> ForwardedRows() =>
    [
        .. AllRows.Where(r =>
        {
            var target = RequestTarget.Parse(r.Method, r.Target.Replace("{image-slash}", "a%2Fb", StringComparison.Ordinal), r.Accept, GlanceApiVersions.Default);
            return target.Kind == RequestTargetKind.Api && !target.HasBlankImageId;
        }).Select(r => r.Name),
    ];

    [Theory]
    [MemberData(nameof(Rows))]
    public Task Request_Section6Row_AnsweredAsGlanceAndChangesOnlyWhatGlanceChanges(string name) =>
        SendRowAsync(AllRows.Single(r => r.Name == name), forwarded: false);

    /// <summary>
    /// Behind the gateway the store receives the canonical path re-encoded segment by segment
    /// (<see cref="RequestTarget.EncodedPath"/>), the query as sent, and no version media type:
    /// the same steps then give the same answer and the same change.
    /// </summary>
    [Theory]
    [MemberData(nameof(ForwardedRows))]
    public Task Request_Section6RowAsTheGatewayForwardsIt_SameAnswerAndChange(string name) =>
        SendRowAsync(AllRows.Single(r => r.Name == name), forwarded: true);

    private async Task SendRowAsync(Row row, bool forwarded)
    {
        var scene = await Scene.BuildAsync(fixture.Store);
        var before = await scene.StateAsync();
        var headers = new List<KeyValuePair<string, string>>();
        var rawTarget = scene.Fill(row.Target);
        if (forwarded)
        {
            var target = RequestTarget.Parse(row.Method, rawTarget, row.Accept, GlanceApiVersions.Default);
            rawTarget = target.EncodedPath() + target.Query;
            if (!target.VersionFromMediaType && row.Accept is not null)
            {
                headers.Add(new("Accept", row.Accept));
            }
        }
        else if (row.Accept is not null)
        {
            headers.Add(new("Accept", row.Accept));
        }

        string? body = null;
        if (row.JsonBody is not null)
        {
            headers.Add(new("Content-Type", "application/json"));
            body = row.JsonBody;
        }
        else if (row.FormBody is not null)
        {
            headers.Add(new("Content-Type", "application/x-www-form-urlencoded"));
            body = row.FormBody;
        }

        var response = await RawHttp.SendAsync(fixture.Store.BaseUri, row.Method, rawTarget, row.Anonymous ? null : scene.Owner, headers, body, row.Chunked);

        var baseUrl = fixture.Store.BaseUri.ToString().TrimEnd('/');
        Assert.True(row.Status == response.Status, $"{row.Method} {rawTarget}: {response.Status} {response.Text}");
        if (row.Explanation is not null)
        {
            Assert.Equal(scene.Fill(row.Explanation), response.Explanation);
        }

        if (row.Body is not null)
        {
            Assert.Equal(scene.Fill(row.Body), response.Text);
        }

        if (row.BodyStart is not null)
        {
            Assert.StartsWith(row.BodyStart.Replace("{base}", baseUrl, StringComparison.Ordinal), response.Text, StringComparison.Ordinal);
        }

        Assert.Equal(row.Allow, response.Header("Allow"));
        Assert.Equal(row.Location?.Replace("{base}", baseUrl, StringComparison.Ordinal), response.Header("Location"));
        if (row.ContentType is not null)
        {
            Assert.Equal(row.ContentType == "(none)" ? null : row.ContentType, response.Header("Content-Type"));
        }

        if (row.RequestId is { } requestId)
        {
            Assert.Equal(requestId, response.Header("X-Openstack-Request-Id") is not null);
        }

        var after = await scene.StateAsync();
        var expected = row.Effect switch
        {
            Effect.MemberDeleted => before with { Members = [.. before.Members.Where(m => m != scene.Member)] },
            Effect.ImageDeleted => new State(false, []),
            _ => before,
        };
        Assert.Equal(expected.ImageExists, after.ImageExists);
        Assert.Equal(expected.Members, after.Members);
    }

    [Fact]
    public void Rows_CoverEveryStep_NamesUnique()
    {
        Assert.Equal(AllRows.Length, AllRows.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.True(AllRows.Length >= 80, $"{AllRows.Length} rows");
    }

    [Fact]
    public async Task Versions_Document_IsGlanceApiVersionsByteForByte()
    {
        var response = await RawHttp.SendAsync(fixture.Store.BaseUri, "GET", "/", null);

        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await GlanceApiVersions.Default.WriteAsync(context, explicitRequest: false, fixture.Store.BaseUri.ToString().TrimEnd('/'));
        Assert.Equal(((MemoryStream)context.Response.Body).ToArray(), response.Body);
        Assert.Equal(300, response.Status);
        Assert.Equal("application/json", response.Header("Content-Type"));
    }

    private sealed record Row(
        string Name, string Method, string Target, int Status, string? Explanation = null, string? Allow = null, Effect Effect = Effect.None,
        string? Accept = null, string? Body = null, string? BodyStart = null, string? Location = null, string? ContentType = null,
        bool? RequestId = null, bool Anonymous = false, string? JsonBody = null, string? FormBody = null, bool Chunked = false);

    private sealed record State(bool ImageExists, List<string> Members);

    /// <summary>A shared image of a fresh owner with two members.</summary>
    private sealed class Scene
    {
        private readonly StoreInstance _store;
        private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];

        private Scene(StoreInstance store) => _store = store;

        public string ImageId { get; private set; } = string.Empty;
        public Caller Owner => Caller.Project("owner-" + _suffix);
        public string Member => "member-" + _suffix;
        public string Other => "other-" + _suffix;

        public static async Task<Scene> BuildAsync(StoreInstance store)
        {
            var scene = new Scene(store);
            var owner = store.Client(scene.Owner);
            scene.ImageId = await owner.CreateImageIdAsync("{\"name\": \"routing\", \"visibility\": \"shared\"}");
            await owner.AddMemberAsync(scene.ImageId, scene.Member);
            await owner.AddMemberAsync(scene.ImageId, scene.Other);
            return scene;
        }

        public string Fill(string text) => text
            .Replace("{image-encoded}", ImageId.Replace("-", "%2D", StringComparison.Ordinal), StringComparison.Ordinal)
            .Replace("{image-slash}", ImageId[..8] + "%2F" + ImageId[9..], StringComparison.Ordinal)
            .Replace("{image}", ImageId, StringComparison.Ordinal)
            .Replace("{member}", Member, StringComparison.Ordinal)
            .Replace("{other}", Other, StringComparison.Ordinal);

        public async Task<State> StateAsync()
        {
            var admin = _store.Client(Caller.Admin);
            using var image = await admin.SendAsync(HttpMethod.Get, $"v2/images/{ImageId}");
            if (image.StatusCode != HttpStatusCode.OK)
            {
                return new(false, []);
            }

            using var members = await admin.SendAsync(HttpMethod.Get, $"v2/images/{ImageId}/members");
            var list = JsonNode.Parse(await members.Content.ReadAsStringAsync())!["members"]!.AsArray().Select(m => (string)m!["member_id"]!).Order(StringComparer.Ordinal).ToList();
            return new(true, list);
        }
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class RoutingConformanceTests
{
    public sealed class Sqlite(StoreFixture fixture) : RoutingConformanceTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : RoutingConformanceTests(fixture), IClassFixture<PostgresStoreFixture>;
}
