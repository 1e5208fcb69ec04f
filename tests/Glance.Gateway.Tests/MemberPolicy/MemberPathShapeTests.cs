using Glance.Policy.Routing;
using System.Net;
using System.Text;
using Glance.Gateway.MemberPolicy;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Errors;
using Microsoft.AspNetCore.Http;

namespace Glance.Gateway.Tests.MemberPolicy;

/// <summary>Rows 2-4 answered at the edge, and the member path parser.</summary>
public sealed class MemberPathShapeTests : IAsyncLifetime
{
    private GatewayFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await GatewayFixture.StartAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Theory]
    [InlineData("/v2/images/abc/members/def", true, "abc", "def")]
    [InlineData("/v2/images//members/def", true, "", "def")]
    [InlineData("/v2/images/abc/members", true, "abc", null)]
    [InlineData("/v2/images/a%2Fb/members/def", true, "a%2Fb", "def")]
    [InlineData("/v2/images/abc/members/def/", false, null, null)]
    [InlineData("/v2/images/abc", false, null, null)]
    [InlineData("/v2/images/abc/file", false, null, null)]
    [InlineData("/V2/images/abc/members/def", false, null, null)]
    public void MemberPath_TryParse_RecognisesMemberPathsOnly(string path, bool expected, string? imageId, string? memberId)
    {
        Assert.Equal(expected, MemberPath.TryParse(RequestTarget.From(new PathString(path)), out var parsed));
        if (expected)
        {
            Assert.Equal(imageId, parsed.ImageId);
            Assert.Equal(memberId, parsed.MemberId);
        }
    }

    [Fact]
    public async Task BlankImageId_AnyCaller_Returns405AtTheEdge()
    {
        using var response = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Owner, string.Empty, "project-b");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(GlanceErrorBody.Render(405, "The method DELETE is not allowed for this resource. ", GlanceErrorFormat.Plain).Body,
            await response.Content.ReadAsStringAsync());
        Assert.Equal(2, Assert.Single(_fx.Gateway.AuditEvents()).Number("Rule"));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
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
        Assert.Equal(3, Assert.Single(_fx.Gateway.AuditEvents()).Number("Rule"));
        Assert.True(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Owner, image, "project-b"));
    }
}
