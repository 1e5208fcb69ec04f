using System.Net;
using System.Text.Json;
using Glance.Gateway.EndToEnd.Tests.Support;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// The comparison the routing parity tests share (in front of a real Glance, and hosting the
/// store): a row sent raw to both servers, the answers normalised (each side's image id as
/// <c>{image}</c>, its own address as <c>{base}</c>) and compared, and what each side did.
/// </summary>
internal sealed class RoutingParityCheck(RealGlanceSuite suite, ParityScenario scenario, string memberProject)
{
    // What the snapshot reads of an image to compare the two sides (ids and times differ).
    private static readonly string[] ImageFacts = ["visibility", "status", "owner", "protected", "os_hidden", "size", "checksum"];

    private readonly RealGlanceSuite _suite = suite;
    private readonly ParityScenario _scenario = scenario;

    private string MemberProject { get; } = memberProject;

    /// <summary>
    /// Sends one row raw to Glance and to the gateway, each with its own fresh fixture image (made
    /// and read through <paramref name="glanceSide"/> and <paramref name="gatewaySide"/>), and
    /// asserts the same answer and the same effect, every problem reported at once.
    /// </summary>
    public async Task AssertSameAsGlanceAsync(
        HttpClient glanceSide, Uri glanceBase, HttpClient gatewaySide, Uri gatewayBase,
        string method, string target, string who, string? accept, int status, GlanceDoes does)
    {
        var glanceImage = await _scenario.CreateFixtureImageAsync(glanceSide, "shared-accepted");
        var gatewayImage = await _scenario.CreateFixtureImageAsync(gatewaySide, "shared-accepted");
        var glanceBefore = await SnapshotAsync(glanceSide, glanceImage);
        var gatewayBefore = await SnapshotAsync(gatewaySide, gatewayImage);

        var glanceRaw = await SendAsync(glanceBase, method, target, who, accept, glanceImage);
        var gatewayRaw = await SendAsync(gatewayBase, method, target, who, accept, gatewayImage);

        var glanceAfter = await SnapshotAsync(glanceSide, glanceImage);
        var gatewayAfter = await SnapshotAsync(gatewaySide, gatewayImage);

        // Request ids as Glance sends them (none on OPTIONS, 300 and the versions document), but
        // on a 401 section 2 wants the gateway's, where keystonemiddleware's 401 has none.
        var compareRequestId = glanceRaw.Status != 401;
        var glance = Answer(glanceRaw, glanceBase, glanceImage, compareRequestId);
        var gateway = Answer(gatewayRaw, gatewayBase, gatewayImage, compareRequestId);

        // Every check reported at once: a row can differ from Glance in its answer and its effect.
        var problems = new List<string>();
        if (glance != gateway)
        {
            problems.Add($"the gateway's answer differs from Glance's in {glance.DifferingParts(gateway)}\n  Glance:  {glance}\n  gateway: {gateway}");
        }

        if (glance.Status != status)
        {
            problems.Add($"Glance itself answered {glance.Status} where the row expects {status}");
        }

        var glanceExpected = does == GlanceDoes.Nothing ? glanceBefore : glanceBefore.WithoutMember(MemberProject);
        if (does == GlanceDoes.Nothing ? glanceAfter != glanceBefore : glanceAfter.Summary != glanceExpected.Summary)
        {
            problems.Add($"Glance itself did not do what the row says ({does}):\n  before: {glanceBefore}\n  after:  {glanceAfter}");
        }

        if (gatewayAfter.Summary != glanceAfter.Summary)
        {
            problems.Add($"the gateway's image ended differently from Glance's\n  Glance's image:  {glanceAfter.Summary}\n  gateway's image: {gatewayAfter.Summary}");
        }
        else if (does == GlanceDoes.Nothing && gatewayAfter != gatewayBefore)
        {
            problems.Add($"Glance performs no operation, but through the gateway the image changed\n  before: {gatewayBefore}\n  after:  {gatewayAfter}");
        }

        if (!compareRequestId && gatewayRaw.Header("X-Openstack-Request-Id")?.StartsWith("req-", StringComparison.Ordinal) != true)
        {
            problems.Add($"the gateway's X-Openstack-Request-Id is {gatewayRaw.Header("X-Openstack-Request-Id") ?? "missing"}");
        }

        Assert.True(problems.Count == 0, $"{method} {target} ({who}{(accept is null ? string.Empty : ", Accept: " + accept)}):\n{string.Join('\n', problems)}");
    }

    /// <summary>One row's request, raw, to <paramref name="server"/>, for <paramref name="who"/>'s token.</summary>
    public Task<RawHttpResponse> SendAsync(Uri server, string method, string target, string who, string? accept, string image)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (who != "none")
        {
            headers.Add(new("X-Auth-Token", _suite.TokenFor(who)));
        }

        if (accept is not null)
        {
            headers.Add(new("Accept", accept));
        }

        return RawHttp.SendAsync(server, method, Expand(target, image), headers);
    }

    // {image} is the side's image id, {image:%2D} the same with every '-' written %2D, {member}
    // the member project's id, {MEMBER} the same in upper case.
    private string Expand(string target, string image) => target
        .Replace("{image:%2D}", image.Replace("-", "%2D", StringComparison.Ordinal), StringComparison.Ordinal)
        .Replace("{image}", image, StringComparison.Ordinal)
        .Replace("{MEMBER}", MemberProject.ToUpperInvariant(), StringComparison.Ordinal)
        .Replace("{member}", MemberProject, StringComparison.Ordinal);

    // The answer with this side's image id as {image} and this side's own address as {base}: the
    // versions document's links and a redirect's Location name the host:port the request came to.
    /// <summary>A side's answer, normalised for comparison.</summary>
    public static RoutingAnswer Answer(RawHttpResponse response, Uri server, string image, bool withRequestId)
    {
        var baseAddress = server.GetLeftPart(UriPartial.Authority);
        string? Normalise(string? text) => text?
            .Replace(baseAddress, "{base}", StringComparison.Ordinal)
            .Replace(image.Replace("-", "%2D", StringComparison.Ordinal), "{image}", StringComparison.Ordinal)
            .Replace(image, "{image}", StringComparison.Ordinal);

        return new RoutingAnswer(
            response.Status,
            response.Header("Content-Type"),
            response.Header("Allow"),
            response.Header("WWW-Authenticate"),
            Normalise(response.Header("Location")),
            withRequestId ? (response.Header("X-Openstack-Request-Id") is null ? "(none)" : "(sent)") : null,
            Normalise(response.Body)!);
    }

    // The image and its member list, read as the owner through that side's own API.
    public async Task<RoutingSnapshot> SnapshotAsync(HttpClient side, string image)
    {
        var owner = _suite.Tokens.Owner;
        using var imageResponse = await GlanceApi.GetAsync(side, $"/v2/images/{image}", owner, "application/json");
        var imageText = await imageResponse.Content.ReadAsStringAsync();
        using var membersResponse = await GlanceApi.GetAsync(side, $"/v2/images/{image}/members", owner, "application/json");
        var membersText = await membersResponse.Content.ReadAsStringAsync();

        var imageFacts = $"image {(int)imageResponse.StatusCode}";
        if (imageResponse.StatusCode == HttpStatusCode.OK)
        {
            var json = JsonDocument.Parse(imageText).RootElement;
            imageFacts += string.Concat(ImageFacts
                .Select(name => $" {name}={(json.TryGetProperty(name, out var value) ? value.ToString() : "-")}"));
        }

        var members = membersResponse.StatusCode == HttpStatusCode.OK
            ? JsonDocument.Parse(membersText).RootElement.GetProperty("members").EnumerateArray()
                .Select(m => $"{m.GetProperty("member_id").GetString()}:{m.GetProperty("status").GetString()}")
                .Order(StringComparer.Ordinal)
                .ToList()
            : [$"listing {(int)membersResponse.StatusCode}"];
        return new RoutingSnapshot(imageFacts, string.Join(' ', members), imageText + "\n" + membersText);
    }
}

// Facts compared across the two sides (Image, Members) and, for one side before and after, the
// exact texts Glance answered (Exact).
public sealed record RoutingSnapshot(string Image, string Members, string Exact)
{
    public string Summary => $"{Image}; members {Members}";

    public RoutingSnapshot WithoutMember(string member) => this with
    {
        Members = string.Join(' ', Members.Split(' ').Where(m => !m.StartsWith(member + ":", StringComparison.Ordinal))),
        Exact = string.Empty,
    };

    public override string ToString() => Summary;
}
