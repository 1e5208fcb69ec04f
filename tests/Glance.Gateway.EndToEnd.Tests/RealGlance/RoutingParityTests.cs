using System.Net;
using System.Text;
using System.Text.Json;
using Glance.Gateway.EndToEnd.Tests.Support;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>What Glance itself does for a row's request (the test checks Glance did it).</summary>
public enum GlanceDoes
{
    /// <summary>No image and no member changes (no route, a refusal, an error, a read).</summary>
    Nothing,

    /// <summary>The member <c>{member}</c> is removed from the image; nothing else changes.</summary>
    RemovesMember,
}

/// <summary>
/// One side's answer to a raw request: status, the headers of the error format, the challenge and
/// the redirect, whether a request id was sent (null on a 401, where the gateway must send one
/// and Glance does not), and the body. Each side's own image id reads
/// <c>{image}</c>, and each side's own <c>http://host:port</c> reads <c>{base}</c>.
/// </summary>
public sealed record RoutingAnswer(int Status, string? ContentType, string? Allow, string? WwwAuthenticate, string? Location, string? RequestId, string Body)
{
    // Bodies printed as JSON strings, quotes and markup left readable.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder().Append(Status);
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                text.Append(' ').Append(name).Append(": ").Append(value);
            }
        }

        Add("Content-Type", ContentType);
        Add("Allow", Allow);
        Add("WWW-Authenticate", WwwAuthenticate);
        Add("Location", Location);
        Add("X-Openstack-Request-Id", RequestId);
        return text.Append(" body: ").Append(JsonSerializer.Serialize(Body, Readable)).ToString();
    }

    /// <summary>The parts in which <paramref name="other"/> differs from this answer, for a failure message.</summary>
    public string DifferingParts(RoutingAnswer other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var parts = new List<string>();
        void Check(string name, object? mine, object? theirs)
        {
            if (!Equals(mine, theirs))
            {
                parts.Add(name);
            }
        }

        Check("status", Status, other.Status);
        Check("Content-Type", ContentType, other.ContentType);
        Check("Allow", Allow, other.Allow);
        Check("WWW-Authenticate", WwwAuthenticate, other.WwwAuthenticate);
        Check("Location", Location, other.Location);
        Check("X-Openstack-Request-Id", RequestId, other.RequestId);
        Check("body", Body, other.Body);
        return string.Join(", ", parts);
    }
}

/// <summary>
/// CONFORMANCE.md section 6 (routing), step by step, against a real Glance 25.1 in legacy mode: each
/// request is written raw on a TCP connection (the request target exactly as in the row: HttpClient
/// would resolve dot segments and re-encode), once to Glance and once to the gateway in front of it
/// (<c>Backend:Identity=Token</c>, <c>ImageStore:Enabled=false</c>, the routes toward that Glance).
/// Each side gets its own fixture image (shared, owned by the owner project, members: the member
/// project accepted and the admin's project pending), made through Glance directly, because many
/// rows mutate. Compared: status, Content-Type, Allow, WWW-Authenticate, Location, the body, and
/// whether an X-Openstack-Request-Id was sent: Glance sends none on OPTIONS, on a 300 and on the
/// versions document (section 6: they are answered before its request-id middleware) and one on
/// everything its router answers. The one exception is a 401: keystonemiddleware's has none, and
/// the gateway must send one there (section 2, as the member-DELETE parity tests check).
///
/// The versions document (and a redirect's Location) holds the address the client used, so each
/// side's own <c>http://127.0.0.1:PORT</c> is replaced by <c>{base}</c> before comparing; the
/// gateway passes the client's Host on to Glance, so the rest must be identical.
///
/// Afterwards, read through Glance as the owner: each row names what Glance does
/// (<see cref="GlanceDoes"/>) and the test checks Glance did exactly that; the gateway's image must
/// end in the same state as Glance's; where Glance does nothing, neither image nor member list may
/// have changed on either side (byte for byte).
///
/// The only exemption is the seed's: <c>DELETE /v2/images//members/{m}</c> is 405 at the gateway
/// where Glance answers 404 (<see cref="MemberDelete_BlankImageIdRaw_GatewaySeed405WhereGlance404"/>).
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class RoutingParityTests(KeystoneFixture keystoneFixture, RealGlanceFixture glanceFixture) : IAsyncLifetime
{
    private const string NoRoute = "The resource could not be found.";

    private readonly KeystoneServer _keystone = keystoneFixture.Keystone;
    private RealGlanceSuite _suite = null!;
    private ParityScenario _scenario = null!;
    private RoutingParityCheck _check = null!;

    private string MemberProject => _keystone.Member.ProjectId;

    public async Task InitializeAsync()
    {
        _suite = await glanceFixture.StartAsync(_keystone);
        _scenario = new ParityScenario(_suite);
        _check = new RoutingParityCheck(_suite, _scenario, MemberProject);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // Step 1: OPTIONS on any path is oslo.middleware's CORS layer's 200 (empty, no Content-Type, no
    // request id), with or without a token, on paths Glance routes, paths it answers 300 to, and
    // paths with dot segments. (The CORS filter passes OPTIONS on and keeps a 2xx answer: the
    // versions filter answers /versions to any method, so OPTIONS /versions is the document.)
    [Theory]
    [InlineData("OPTIONS", "/v2/images/{image}/members/{member}", "owner", null, 200, GlanceDoes.Nothing)]
    [InlineData("OPTIONS", "/v2/images/{image}/members/{member}", "none", null, 200, GlanceDoes.Nothing)]
    [InlineData("OPTIONS", "/v2/images/{image}/members", "none", "application/json", 200, GlanceDoes.Nothing)]
    [InlineData("OPTIONS", "/v2/images/{image}", "none", null, 200, GlanceDoes.Nothing)]
    [InlineData("OPTIONS", "/v2/images", "owner", null, 200, GlanceDoes.Nothing)]
    [InlineData("OPTIONS", "/", "none", null, 200, GlanceDoes.Nothing)]
    [InlineData("OPTIONS", "/versions", "none", null, 200, GlanceDoes.Nothing)]
    [InlineData("OPTIONS", "/v1/images", "none", null, 200, GlanceDoes.Nothing)]
    [InlineData("OPTIONS", "/no/such/path", "owner", null, 200, GlanceDoes.Nothing)]
    [InlineData("OPTIONS", "/v2/images/{image}/members/..", "owner", null, 200, GlanceDoes.Nothing)]
    [InlineData("OPTIONS", "/v2/images/{image}/members/../members/{member}", "owner", null, 200, GlanceDoes.Nothing)]
    public Task Options_AnyPathWithOrWithoutToken_SameAnswerAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    // Step 2: the version prefix, before authentication. Allowed (Glance 25 without image cache or
    // multiple stores): v2, v2.0-v2.7, v2.9, v2.15, handled as /v2/. Not allowed (v2.8, v2.16),
    // another major version, another case, or none: 300 with the versions document, even without
    // a token. Step 3 after it: an allowed prefix without a token is 401.
    [Theory]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2.0/images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2.1/images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2.2/images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2.3/images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2.4/images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2.5/images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2.6/images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2.7/images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2.8/images/{image}/members/{member}", "owner", null, 300, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2.9/images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2.15/images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2.16/images/{image}/members/{member}", "owner", null, 300, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v1/images/{image}/members/{member}", "owner", null, 300, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/V2/images/{image}/members/{member}", "owner", null, 300, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/images/{image}/members/{member}", "owner", null, 300, GlanceDoes.Nothing)]
    [InlineData("GET", "/v2.1/images?name=no-such-image-e2e", "owner", "application/json", 200, GlanceDoes.Nothing)]
    [InlineData("GET", "/images/{image}/members", "owner", "application/json", 300, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}", "none", null, 401, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2.1/images/{image}/members/{member}", "none", null, 401, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2.8/images/{image}/members/{member}", "none", null, 300, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v1/images/{image}/members/{member}", "none", null, 300, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/images/{image}/members/{member}", "none", null, 300, GlanceDoes.Nothing)]
    public Task VersionPrefix_EveryForm_SameAnswerAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    // Step 2, the versions document itself: GET / is 300, /versions and /versions/ (any method:
    // the filter looks at the first segment only) are 200, all before authentication; /v2 alone
    // is the v2 router's redirect to /v2/.
    [Theory]
    [InlineData("GET", "/", "none", null, 300, GlanceDoes.Nothing)]
    [InlineData("GET", "/", "owner", "application/json", 300, GlanceDoes.Nothing)]
    [InlineData("GET", "/versions", "none", null, 200, GlanceDoes.Nothing)]
    [InlineData("GET", "/versions/", "none", null, 200, GlanceDoes.Nothing)]
    [InlineData("GET", "/versions", "owner", null, 200, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/versions", "owner", null, 200, GlanceDoes.Nothing)]
    [InlineData("GET", "/v2", "owner", null, 302, GlanceDoes.Nothing)]
    public Task VersionsDocument_RootAndVersionsPaths_SameAnswerAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    // Step 2: the media type Accept: application/vnd.openstack.images-vX comes first, and then the
    // URL is not read for a version: with it, /images/... is the v2 API, and /v2/images/... is
    // /v2/v2/images/... (no route). A version that is not allowed, or a list after the media type
    // (the filter compares the whole header text), is 300.
    [Theory]
    [InlineData("DELETE", "/images/{image}/members/{member}", "owner", "application/vnd.openstack.images-v2", 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/images/{image}/members/{member}", "owner", "application/vnd.openstack.images-v2.1", 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/images/{image}/members/{member}", "owner", "application/vnd.openstack.images-v2.8", 300, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/images/{image}/members/{member}", "owner", "application/vnd.openstack.images-v1", 300, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/images/{image}/members/{member}", "none", "application/vnd.openstack.images-v2", 401, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}", "owner", "application/vnd.openstack.images-v2", 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2.1/images/{image}/members/{member}", "owner", "application/vnd.openstack.images-v2", 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}", "owner", "application/vnd.openstack.images-v2, application/json", 300, GlanceDoes.Nothing)]
    [InlineData("GET", "/images?name=no-such-image-e2e", "owner", "application/vnd.openstack.images-v2", 200, GlanceDoes.Nothing)]
    public Task VersionMediaType_InAccept_SameAnswerAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    // Step 4: runs of slashes collapse to one, wherever they are (the version filter strips the
    // leading ones). A blank image id is the seed's exemption for DELETE only: GET there, and
    // DELETE /v2/images//members (= DELETE /v2/images/members: the image "members"), are Glance's.
    [Theory]
    [InlineData("DELETE", "/v2//images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2/images/{image}//members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2/images/{image}/members//{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "//v2/images/{image}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2///images///{image}///members///{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("GET", "//v2/images?name=no-such-image-e2e", "owner", "application/json", 200, GlanceDoes.Nothing)]
    [InlineData("GET", "/v2/images//members/{member}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images//members", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}//members", "owner", "application/json", 405, GlanceDoes.Nothing)]
    public Task SlashRuns_AnyPosition_SameAnswerAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    // Step 4: the path is percent-decoded before routing: %2D is '-', so an id written with %2D is
    // the id; %2F is a slash, so it splits (and then collapses with) the segments around it.
    [Theory]
    [InlineData("DELETE", "/v2/images/{image:%2D}/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2/images/%2D{image}/members/{member}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}%2D", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/%2D{member}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}%2Fx/members/{member}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}%2F/members/{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2/images/{image}/members/a%2Fb", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}%2F", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members%2F{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2/images/{image}%2Fmembers%2F{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2%2Fimages%2F{image}%2Fmembers%2F{member}", "owner", null, 204, GlanceDoes.RemovesMember)]
    public Task PercentEncoding_InIds_SameAnswerAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    // Step 5: dot segments are literal segments, encoded or not: /members/.. is member id "..",
    // and a '..' or '.' anywhere else matches no route. Never the image, never another member.
    [Theory]
    [InlineData("DELETE", "/v2/images/{image}/members/..", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/.", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/../members/{member}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/./{member}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/./members/{member}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}/..", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/../images/{image}/members/{member}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/../images", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("GET", "/v2/images/../images", "owner", "application/json", 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/%2E%2E", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/%2E", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/%2E%2E/members/{member}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/%2e%2e%2fmembers%2f{member}", "owner", null, 404, GlanceDoes.Nothing)]
    public Task DotSegments_LiteralNotResolved_SameAnswerAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    // Step 5: a trailing slash, an empty member id, or extra segments match no route.
    [Theory]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}/", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}/extra", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}/", "owner", "application/json", 404, GlanceDoes.Nothing)]
    [InlineData("GET", "/v2/images/{image}/members/", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/extra/members/{member}", "owner", null, 404, GlanceDoes.Nothing)]
    public Task NoRoute_TrailingSlashEmptyMemberOrExtraSegment_SameAnswerAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    // Step 6: literal segments are case-sensitive (an upper-case version prefix is step 2's 300),
    // member ids match exactly, and the query string is ignored.
    [Theory]
    [InlineData("GET", "/V2/IMAGES", "owner", null, 300, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/V2/IMAGES/{image}/MEMBERS/{member}", "owner", null, 300, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/IMAGES/{image}/members/{member}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/Images/{image}/Members/{member}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/MEMBERS/{member}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/{MEMBER}", "owner", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}?foo=bar", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}?member_id=x&image_id=y", "owner", null, 204, GlanceDoes.RemovesMember)]
    [InlineData("DELETE", "/v2/images/{image}/members/..?x=/members/{member}", "owner", null, 404, GlanceDoes.Nothing)]
    public Task Literals_CaseAndQueryString_SameAnswerAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    // Methods a resource does not take: 405 with the resource's Allow (HEAD: the 405 with no body,
    // text/html); PATCH on the image without a JSON patch body is 415; without a token, 401 first.
    [Theory]
    [InlineData("CONNECT", "/v2/images/{image}/members/{member}", "owner", null, 405, GlanceDoes.Nothing)]
    [InlineData("TRACE", "/v2/images/{image}/members/{member}", "owner", null, 405, GlanceDoes.Nothing)]
    [InlineData("PROPFIND", "/v2/images/{image}/members/{member}", "owner", null, 405, GlanceDoes.Nothing)]
    [InlineData("PATCH", "/v2/images/{image}/members/{member}", "owner", null, 405, GlanceDoes.Nothing)]
    [InlineData("HEAD", "/v2/images/{image}/members/{member}", "owner", null, 405, GlanceDoes.Nothing)]
    [InlineData("CONNECT", "/v2/images/{image}", "owner", null, 405, GlanceDoes.Nothing)]
    [InlineData("TRACE", "/v2/images/{image}", "owner", null, 405, GlanceDoes.Nothing)]
    [InlineData("PROPFIND", "/v2/images/{image}", "owner", null, 405, GlanceDoes.Nothing)]
    [InlineData("PATCH", "/v2/images/{image}", "owner", null, 415, GlanceDoes.Nothing)]
    [InlineData("HEAD", "/v2/images/{image}", "owner", null, 405, GlanceDoes.Nothing)]
    [InlineData("CONNECT", "/v2/images/{image}", "owner", "application/json", 405, GlanceDoes.Nothing)]
    [InlineData("TRACE", "/v2/images/{image}/members/{member}", "owner", "application/json", 405, GlanceDoes.Nothing)]
    [InlineData("CONNECT", "/v2/images/{image}/members/{member}", "none", null, 401, GlanceDoes.Nothing)]
    [InlineData("PROPFIND", "/v2/images/{image}", "none", null, 401, GlanceDoes.Nothing)]
    [InlineData("CONNECT", "/v2.1/images/{image}", "owner", null, 405, GlanceDoes.Nothing)]
    [InlineData("TRACE", "//v2/images/{image}/members/{member}", "owner", null, 405, GlanceDoes.Nothing)]
    public Task Methods_NotTakenByResource_SameAnswerAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    // The routed shapes decide for other callers as the plain member path does: the member itself
    // is refused (rule 7), a stranger does not see the image (rule 5), and a shape that is no
    // route for Glance stays no route whoever asks.
    [Theory]
    [InlineData("DELETE", "/v2//images/{image}/members/{member}", "member", null, 403, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2.1/images/{image}/members/{member}", "member", null, 403, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}%2Fmembers%2F{member}", "member", null, 403, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/images/{image}/members/{member}", "member", "application/vnd.openstack.images-v2", 403, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/..", "member", null, 403, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/../members/{member}", "member", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "//v2/images/{image}/members/{member}", "stranger", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2.9/images/{image}/members/{member}", "stranger", "application/json", 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/{member}/", "stranger", null, 404, GlanceDoes.Nothing)]
    [InlineData("DELETE", "/v2/images/{image}/members/./{member}", "stranger", null, 404, GlanceDoes.Nothing)]
    public Task OtherCallers_RoutedShapes_SameDecisionAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    // Exempt, documented deviation (CONFORMANCE.md rule 2, seed): DELETE with a blank image id is
    // 405 at the gateway; Glance's router collapses the '//' and answers 404 (no route). Sent raw
    // here (the request target exactly as written); nothing changes on either side.
    [Fact]
    public async Task MemberDelete_BlankImageIdRaw_GatewaySeed405WhereGlance404()
    {
        var side = _suite.Legacy;
        var glanceImage = await _scenario.CreateFixtureImageAsync(side.Direct, "shared-accepted");
        var gatewayImage = await _scenario.CreateFixtureImageAsync(side.Direct, "shared-accepted");
        var glanceBefore = await _check.SnapshotAsync(side.Direct, glanceImage);
        var gatewayBefore = await _check.SnapshotAsync(side.Direct, gatewayImage);

        var glance = await _check.SendAsync(new Uri(side.Glance.Url), "DELETE", "/v2/images//members/{member}", "owner", "text/plain", glanceImage);
        var gateway = await _check.SendAsync(side.Gateway.Address, "DELETE", "/v2/images//members/{member}", "owner", "text/plain", gatewayImage);

        Assert.Equal(404, glance.Status);
        Assert.Equal($"404 Not Found\n\n{NoRoute}\n\n   ", glance.Body);
        Assert.Equal(405, gateway.Status);
        Assert.StartsWith("req-", gateway.Header("X-Openstack-Request-Id") ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(glanceBefore, await _check.SnapshotAsync(side.Direct, glanceImage));
        Assert.Equal(gatewayBefore, await _check.SnapshotAsync(side.Direct, gatewayImage));
    }

    // The gateway fronts that Glance: both fixture images are made and read through Glance itself.
    private Task AssertSameAsGlanceAsync(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        _check.AssertSameAsGlanceAsync(_suite.Legacy.Direct, new Uri(_suite.Legacy.Glance.Url), _suite.Legacy.Direct, _suite.Legacy.Gateway.Address,
            method, target, who, accept, status, does);
}
