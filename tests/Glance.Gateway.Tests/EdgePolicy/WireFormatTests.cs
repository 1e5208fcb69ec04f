using System.Net;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Errors;
using Glance.Policy.RequestIds;

namespace Glance.Gateway.Tests.EdgePolicy;

/// <summary>CONFORMANCE.md section 2 through the gateway: bodies by Accept, 204, request ids.</summary>
[Trait("Host", "Any")]
public sealed class WireFormatTests : IAsyncLifetime
{
    private GatewayFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await GatewayFixture.StartAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Theory]
    [InlineData(null, "text/plain; charset=UTF-8")]
    [InlineData("text/plain", "text/plain; charset=UTF-8")]
    [InlineData("image/png", "text/plain; charset=UTF-8")]
    [InlineData("*/*", "text/html; charset=UTF-8")]
    [InlineData("text/html", "text/html; charset=UTF-8")]
    [InlineData("application/json", "application/json")]
    [InlineData("application/json;q=0.5, text/html;q=0.9", "text/html; charset=UTF-8")]
    [InlineData("text/html;q=0.2, application/json", "application/json")]
    public async Task Denial_AcceptHeader_ChoosesBodyFormat(string? accept, string contentType)
    {
        var image = Guid.NewGuid().ToString();

        using var response = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Stranger, image, "project-b", accept);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        var format = AcceptNegotiation.Choose(accept);
        Assert.Equal(GlanceErrorBody.Render(404, $"Image {image} not found.", format).Body, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Denial_PlainFormat_IsByteForByteWebob()
    {
        using var response = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Stranger, "abc", "def");

        Assert.Equal("404 Not Found\n\nImage abc not found.\n\n   ", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Denial_JsonFormat_IsByteForByteWebob()
    {
        using var response = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Stranger, "abc", "def", "application/json");

        Assert.Equal("{\"message\": \"Image abc not found.<br /><br />\\n\\n\\n\", \"code\": \"404 Not Found\", \"title\": \"Not Found\"}",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Patch_WrongMediaType_Is415AtTheEdgeWithAcceptPatch()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "private");
        using var request = GlanceApi.Request(HttpMethod.Patch, $"/v2/images/{image}", _fx.Ids.Owner);
        request.Content = new StringContent("[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"x\"}]", System.Text.Encoding.UTF8, "application/json");

        using var response = await _fx.Client.SendAsync(request);

        // images.py RequestDeserializer.update: webob's 415 with the two patch types.
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch", Assert.Single(response.Headers.GetValues("Accept-Patch")));
        Assert.Equal(GlanceErrorBody.Render(415, "The request media type application/json; charset=utf-8 is not supported by this server.", AcceptNegotiation.Choose(null)).Body,
            await response.Content.ReadAsStringAsync());
        var decision = Assert.Single(await AuditEvent.EventuallyAsync(() => _fx.Gateway.AuditEvents().Where(e => e.Get("Operation") == "modify_image")));
        Assert.Equal("deny", decision.Get("Decision"));
        Assert.False(decision.Number("BackendStatus").HasValue);
    }

    [Fact]
    public async Task RequestId_ClientSupplied_IsEchoedWithPrefixAndPassedToTheStore()
    {
        using var request = GlanceApi.Request(HttpMethod.Delete, "/v2/images/abc/members/def", _fx.Ids.Stranger);
        request.Headers.Add(RequestId.HeaderName, "my-trace-42");

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal("req-my-trace-42", response.Headers.GetValues(RequestId.HeaderName).Single());
        Assert.Equal("req-my-trace-42", Assert.Single(_fx.Gateway.AuditEvents()).Get("RequestId"));
    }

    [Fact]
    public async Task RequestId_LongerThan64_IsReplacedByAFreshOne()
    {
        using var request = GlanceApi.Request(HttpMethod.Delete, "/v2/images/abc/members/def", _fx.Ids.Stranger);
        request.Headers.Add(RequestId.HeaderName, new string('a', 65));

        using var response = await _fx.Client.SendAsync(request);

        var id = response.Headers.GetValues(RequestId.HeaderName).Single();
        Assert.Matches("^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$", id);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/v2/images")]
    public async Task RequestId_ApiAndHealthResponses_CarryOne(string path)
    {
        using var response = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, path, _fx.Ids.Owner));

        Assert.StartsWith("req-", response.Headers.GetValues(RequestId.HeaderName).Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/", HttpStatusCode.MultipleChoices)]
    [InlineData("/versions", HttpStatusCode.OK)]
    [InlineData("/images/abc", HttpStatusCode.MultipleChoices)]
    [InlineData("/V2/images", HttpStatusCode.MultipleChoices)]
    public async Task VersionsDocument_AnsweredBeforeAuthentication_WithoutRequestId(string path, HttpStatusCode status)
    {
        using var response = await _fx.Client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.StartsWith("{\"versions\": [{\"id\": \"v2.15\", \"status\": \"CURRENT\", \"links\": [{\"rel\": \"self\", \"href\": \"" + _fx.Gateway.Address.ToString().TrimEnd('/') + "/v2/\"}]}",
            await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains(RequestId.HeaderName));
    }

    [Fact]
    public async Task NoRoute_Returns404InGlanceFormat()
    {
        using var response = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/not-glance", _fx.Ids.Owner, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(GlanceErrorBody.Render(404, "The resource could not be found.", GlanceErrorFormat.Json).Body, await response.Content.ReadAsStringAsync());
    }
}
