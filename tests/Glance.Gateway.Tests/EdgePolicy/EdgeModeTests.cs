using System.Net;
using Glance.Gateway.EdgePolicy;
using Glance.Gateway.Tests.Support;
using Glance.Gateway.Tests.Telemetry;
using Glance.Policy.Operations;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Glance.Gateway.Tests.EdgePolicy;

/// <summary>
/// The three modes of an edge operation (<c>EdgePolicy:Operations:&lt;operation&gt;</c>), in front of
/// a backend that decides differently from the edge (WireMock: a Glance whose policy file differs is
/// the peer this needs): Enforce answers a refusal at the edge, Off forwards undecided, Shadow
/// forwards everything, answers what the backend answers, and counts and audits each prediction the
/// backend contradicted, once.
/// </summary>
[Trait("Host", "Any")]
public sealed class EdgeModeTests : IDisposable
{
    private const string Refusal = "403 Forbidden\n\nYou are not authorized to complete get_image action.\n\n   ";
    private readonly BackendStub _backend = new();

    public void Dispose() => _backend.Dispose();

    [Fact]
    public async Task Enforce_StrangerIsRefusedAtTheEdge_TheBackendSeesOnlyTheFactsRead()
    {
        await using var fx = await StartAsync("Enforce");

        using var response = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, ImagePath, fx.Ids.Stranger));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"No image found with ID {BackendStub.ImageId}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(ForwardedShows("stranger-user"));
        var audit = await AuditOfAsync(fx, response);
        Assert.Equal(("get_image", "deny", "ImageNotFound", "Enforce", 404), (audit.Get("Operation"), audit.Get("Decision"), audit.Get("RuleName"), audit.Get("EdgeMode"), audit.Number("Status")));
    }

    [Fact]
    public async Task Off_TheRequestIsForwardedUndecided_AndAuditedAsForwarded()
    {
        _backend.Server.Given(Request.Create().WithPath(ImagePath).UsingGet().WithHeader("X-User-Id", "stranger-user")).AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"id\": \"x\"}"));
        await using var fx = await StartAsync("Off");

        using var response = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, ImagePath, fx.Ids.Stranger));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(ForwardedShows("stranger-user"));
        var audit = await AuditOfAsync(fx, response);
        Assert.Equal(("get_image", "forward", "Undecided", "Off", 200, 200), (audit.Get("Operation"), audit.Get("Decision"), audit.Get("RuleName"), audit.Get("EdgeMode"), audit.Number("Status"), audit.Number("BackendStatus")));
        Assert.Null(audit.Get("PolicyRule"));
    }

    [Fact]
    public async Task Shadow_EveryContradictedPredictionIsCountedOnce_NothingIsRefused_AgreementsAreNot()
    {
        // The backend refuses the owner by policy (the edge predicts an allow) and shows the image
        // to the stranger (the edge predicts its 404); the member's 404 it agrees with.
        _backend.Server.Given(Request.Create().WithPath(ImagePath).UsingGet().WithHeader("X-User-Id", "owner-user")).AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(403).WithHeader("Content-Type", "text/plain; charset=UTF-8").WithBody(Refusal));
        _backend.Server.Given(Request.Create().WithPath(ImagePath).UsingGet().WithHeader("X-User-Id", "stranger-user")).AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"id\": \"x\"}"));
        _backend.Server.Given(Request.Create().WithPath(ImagePath).UsingGet().WithHeader("X-User-Id", "member-user")).AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "text/plain; charset=UTF-8").WithBody("404 Not Found\n\nNo image found.\n\n   "));
        await using var fx = await StartAsync("Shadow");

        using var owner = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, ImagePath, fx.Ids.Owner));
        using var stranger = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, ImagePath, fx.Ids.Stranger));
        using var member = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, ImagePath, fx.Ids.Member));

        // Nothing refused at the edge: every answer is the backend's.
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.OK), (owner.StatusCode, stranger.StatusCode));
        Assert.Equal(Refusal, await owner.Content.ReadAsStringAsync());
        var ownerAudit = await AuditOfAsync(fx, owner);
        var strangerAudit = await AuditOfAsync(fx, stranger);
        Assert.Equal(("allow", 0, 403, true), (ownerAudit.Get("Decision"), ownerAudit.Number("PredictedStatus"), ownerAudit.Number("Status"), ownerAudit.Json.GetProperty("Disagreement").GetBoolean()));
        Assert.Equal(("deny", 404, 200, true), (strangerAudit.Get("Decision"), strangerAudit.Number("PredictedStatus"), strangerAudit.Number("Status"), strangerAudit.Json.GetProperty("Disagreement").GetBoolean()));

        var samples = await ScrapeAsync(fx.Gateway);
        const string disagreements = "glance_gateway_edge_disagreements_total";
        Assert.Equal(1, PrometheusSample.Sum(samples, disagreements, ("operation", "get_image"), ("predicted", "allow"), ("actual", "403")));
        Assert.Equal(1, PrometheusSample.Sum(samples, disagreements, ("operation", "get_image"), ("predicted", "404"), ("actual", "200")));
        var agreed = (await AuditOfAsync(fx, member)).Json.GetProperty("Disagreement").GetBoolean();
        Assert.False(agreed);
        Assert.Equal(2, PrometheusSample.Sum(samples, disagreements));
    }

    [Fact]
    public void Validator_UnknownOperation_IsRefusedNamingIt()
    {
        var options = new EdgePolicyOptions { Operations = { ["get_imag"] = EdgeMode.Off, ["GET_IMAGE"] = EdgeMode.Shadow } };

        var result = new EdgePolicyOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("get_imag ", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("GET_IMAGE", result.FailureMessage, StringComparison.Ordinal);
        Assert.Equal(EdgeMode.Shadow, options.ModeOf(EdgeOperations.Named("get_image")!));
        Assert.Equal(EdgeMode.Enforce, options.ModeOf(EdgeOperations.Named("delete_image")!));
    }

    private static string ImagePath => $"/v2/images/{BackendStub.ImageId}";

    // GETs of the image forwarded on behalf of a caller (the facts read carries the service's id).
    private IEnumerable<WireMock.Logging.ILogEntry> ForwardedShows(string userId) =>
        _backend.Server.LogEntries.Where(e => e.RequestMessage.Path == ImagePath && e.RequestMessage.Method == "GET"
            && e.RequestMessage.Headers is { } headers && headers.TryGetValue("X-User-Id", out var ids) && ids.Contains(userId));

    private Task<GatewayFixture> StartAsync(string mode) => GatewayFixture.StartAsync(
        new Dictionary<string, string?>
        {
            ["ImageStore:Enabled"] = "false",
            ["Backend:MetadataCacheSeconds"] = "0",
            ["EdgePolicy:Operations:get_image"] = mode,
        },
        routesJson: GatewayHost.RoutesToward(_backend.Url));

    private static async Task<AuditEvent> AuditOfAsync(GatewayFixture fx, HttpResponseMessage response)
    {
        var id = response.Headers.GetValues(Glance.Policy.RequestIds.RequestId.HeaderName).Single();
        return (await AuditEvent.EventuallyAsync(() => fx.Gateway.AuditEvents().Where(e => e.Get("RequestId") == id))).Single();
    }

    private static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(GatewayHost gateway)
    {
        using var response = await gateway.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        return PrometheusSample.Parse(await response.Content.ReadAsStringAsync());
    }
}
