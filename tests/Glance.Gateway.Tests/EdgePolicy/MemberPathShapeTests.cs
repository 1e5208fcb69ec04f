using Glance.Policy.Routing;
using System.Net;
using System.Text;
using Glance.Gateway.EdgePolicy;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Errors;
using Microsoft.AspNetCore.Http;

namespace Glance.Gateway.Tests.EdgePolicy;

/// <summary>Rows 2-4 answered at the edge, and the member path parser.</summary>
[Trait("Host", "Any")]
public sealed class MemberPathShapeTests : IAsyncLifetime
{
    private GatewayFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await GatewayFixture.StartAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Theory]
    [InlineData("DELETE", "/v2/images/abc/members/def", true, "abc", "def")]
    [InlineData("DELETE", "/v2/images//members/def", true, "", "def")]
    [InlineData("GET", "/v2/images//members/def", false, null, null)]
    [InlineData("GET", "/v2/images/abc/members", true, "abc", null)]
    [InlineData("DELETE", "/v2/images/a%2Fb/members/def", false, null, null)]
    [InlineData("DELETE", "/v2/images/abc%2Dx/members/def", true, "abc-x", "def")]
    [InlineData("DELETE", "/v2.1/images/abc/members/def", true, "abc", "def")]
    [InlineData("DELETE", "/v2//images/abc//members/def", true, "abc", "def")]
    [InlineData("DELETE", "/v2/images/abc/members/..", true, "abc", "..")]
    [InlineData("DELETE", "/v2/images/abc/members/def/", false, null, null)]
    [InlineData("DELETE", "/v2/images/abc/members/def%0A", true, "abc", "def")]
    [InlineData("DELETE", "/v2/images/abc/members/def?x=/members/y", true, "abc", "def")]
    [InlineData("DELETE", "/v2/images/abc", false, null, null)]
    [InlineData("DELETE", "/v2/images/abc/file", false, null, null)]
    [InlineData("DELETE", "/V2/images/abc/members/def", false, null, null)]
    [InlineData("DELETE", "/v2.8/images/abc/members/def", false, null, null)]
    [InlineData("OPTIONS", "/v2/images/abc/members/def", false, null, null)]
    public void MemberPath_TryParse_RecognisesMemberPathsAsGlanceRoutesThem(string method, string raw, bool expected, string? imageId, string? memberId)
    {
        var target = RequestTarget.Parse(method, raw, accept: null, GlanceApiVersions.Default);

        Assert.Equal(expected, MemberPath.TryParse(target, out var parsed));
        if (expected)
        {
            Assert.Equal(imageId, parsed.ImageId);
            Assert.Equal(memberId, parsed.MemberId);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MemberPath_Options_Returns200EmptyWithoutRequestIdAsGlanceCorsLayer(bool withToken)
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, image, Identities.MemberProject);
        using var request = GlanceApi.Request(HttpMethod.Options, $"/v2/images/{image}/members/{Identities.MemberProject}", withToken ? _fx.Ids.Member : null);

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(response.Content.Headers.ContentType);
        Assert.False(response.Headers.Contains(Glance.Policy.RequestIds.RequestId.HeaderName));
        Assert.True(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, image, Identities.MemberProject));
        Assert.DoesNotContain(_fx.Gateway.AuditEvents(), e => e.Get("Method") == "OPTIONS");
    }

    [Fact]
    public async Task BlankImageId_AnyCaller_Returns405AtTheEdge()
    {
        using var response = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Owner, string.Empty, "project-b");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(GlanceErrorBody.Render(405, "The method DELETE is not allowed for this resource. ", GlanceErrorFormat.Plain).Body,
            await response.Content.ReadAsStringAsync());
        Assert.Equal(2, Assert.Single(_fx.Gateway.AuditEvents("delete_member", "member_path")).Number("Rule"));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    [InlineData("TRACE")]
    public async Task MemberPath_OtherMethod_Returns405WithAllowGetPutDelete(string method)
    {
        using var request = GlanceApi.Request(new HttpMethod(method), "/v2/images/abc/members/def", _fx.Ids.Owner, "application/json");

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, PUT, DELETE", string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal(GlanceErrorBody.Render(405, $"The method {method} is not allowed for this resource. ", GlanceErrorFormat.Json).Body,
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MembersCollection_Delete_Returns405WithAllowGetPost()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        using var request = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{image}/members", _fx.Ids.Owner, "text/html");

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, POST", string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal(GlanceErrorBody.Render(405, "The method DELETE is not allowed for this resource. ", GlanceErrorFormat.Html).Body,
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MemberDelete_WithBody_Returns400AndKeepsMember()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, image, "project-b");
        using var request = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{image}/members/project-b", _fx.Ids.Owner);
        request.Content = new StringContent("{}", Encoding.UTF8, "application/json");

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(GlanceErrorBody.Render(400, "A body is not expected with this request.", GlanceErrorFormat.Plain).Body,
            await response.Content.ReadAsStringAsync());
        Assert.True(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, image, "project-b"));
    }

    [Fact]
    public async Task MemberDelete_EmptyBodyWithOctetStreamContentType_IsNotABody()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, image, "project-b");
        using var request = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{image}/members/project-b", _fx.Ids.Owner, "*/*");
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentType = new("application/octet-stream");

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task MemberPath_Head_Returns405AtTheEdgeLikeAnyOtherMethod()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, image, "project-b");
        using var request = GlanceApi.Request(HttpMethod.Head, $"/v2/images/{image}/members/project-b", _fx.Ids.Owner);

        using var response = await _fx.Client.SendAsync(request);

        // Glance's router matches methods exactly: HEAD is not GET (CONFORMANCE row 3, "HEAD too").
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, PUT, DELETE", string.Join(", ", response.Content.Headers.Allow));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, Assert.Single(_fx.Gateway.AuditEvents("delete_member", "member_path")).Number("Rule"));
        Assert.True(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Owner, image, "project-b"));
    }
}
