using System.Net;
using System.Text.Json;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Errors;

namespace Glance.Gateway.Resilience.Tests.HostileInput;

/// <summary>
/// Hostile requests through the gateway (hosted store, WireMock Keystone, real Redis). Each test
/// shows the answer and that nothing changed: the image's members (project-b, project-d) and the
/// image itself are as before, and where a token was refused, Keystone was not asked or nothing was cached.
/// </summary>
public sealed class HostileInputTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayFixture _fx = null!;
    private string _image = null!;
    private string _imageBefore = null!;

    private static readonly string[] Spellings =
    [
        "X-Roles", "x-roles", "X-ROLES", "X_Roles", "x_roles", "X-Role", "X-Project-Id", "X_Project_Id", "x_project_id",
        "X-Tenant-Id", "X-Tenant", "X-User-Id", "X_User_Id", "X-Identity-Status", "X_IDENTITY_STATUS", "X-Is-Admin-Project",
        "X-Service-Roles", "X-Service-User-Id", "OpenStack-System-Scope", "openstack_system_scope", "X-Domain-Id",
    ];

    public static TheoryData<string> SpoofedSpellings => new(Spellings);

    public async Task InitializeAsync()
    {
        _fx = await GatewayFixture.StartAsync();
        _image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, _image, Identities.MemberProject);
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, _image, Identities.OtherMemberProject);
        _imageBefore = await ImageJsonAsync();
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Theory]
    [InlineData("member", 403)]
    [InlineData("stranger", 404)]
    [InlineData(null, 401)]
    [InlineData("unknown", 401)]
    public async Task SpoofedAdminIdentity_EverySpellingAtOnce_OnMemberDelete_TheTokenAloneDecides(string? who, int status)
    {
        var token = who switch { null => null, "unknown" => "unknown-" + Guid.NewGuid().ToString("N"), _ => _fx.Ids.Token(who) };
        using var request = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{_image}/members/{Identities.MemberProject}", token);
        foreach (var name in Spellings)
        {
            request.Headers.TryAddWithoutValidation(name, SpoofedValue(name));
        }

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        var audit = Assert.Single(_fx.Gateway.AuditEvents("delete_member", "member_path"));
        Assert.Equal("deny", audit.Get("Decision"));
        if (who is "member" or "stranger")
        {
            Assert.Equal($"{who}-user", audit.Get("UserId"));
            Assert.Equal("member", audit.Get("Roles"));
        }

        if (who == "unknown")
        {
            Assert.Equal(1, _fx.Keystone.ValidationCalls(token!));
        }

        await AssertNothingChangedAsync();
    }

    [Theory]
    [MemberData(nameof(SpoofedSpellings))]
    public async Task SpoofedAdminIdentity_EachSpellingAlone_WithAMembersToken_Returns403(string header)
    {
        using var request = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{_image}/members/{Identities.OtherMemberProject}", _fx.Ids.Member);
        request.Headers.TryAddWithoutValidation(header, SpoofedValue(header));

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await AssertNothingChangedAsync();
    }

    [Theory]
    [InlineData("member-then-owner")]
    [InlineData("owner-twice")]
    [InlineData("owner-comma-joined")]
    public async Task DuplicateTokenHeaders_OnMemberDelete_Return401WithoutAskingKeystone(string shape)
    {
        var ownerCalls = _fx.Keystone.ValidationCalls(_fx.Ids.Owner);
        var memberCalls = _fx.Keystone.ValidationCalls(_fx.Ids.Member);
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/v2/images/{_image}/members/{Identities.MemberProject}");
        switch (shape)
        {
            case "member-then-owner":
                request.Headers.TryAddWithoutValidation("X-Auth-Token", [_fx.Ids.Member, _fx.Ids.Owner]);
                break;
            case "owner-twice":
                request.Headers.TryAddWithoutValidation("X-Auth-Token", [_fx.Ids.Owner, _fx.Ids.Owner]);
                break;
            default:
                request.Headers.TryAddWithoutValidation("X-Auth-Token", $"{_fx.Ids.Owner}, {_fx.Ids.Owner}");
                break;
        }

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ownerCalls, _fx.Keystone.ValidationCalls(_fx.Ids.Owner));
        Assert.Equal(memberCalls, _fx.Keystone.ValidationCalls(_fx.Ids.Member));
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task Token64KiB_IsRefusedBeforeKeystone_AndNothingIsCached()
    {
        var token = new string('a', 64 * 1024);
        var keysBefore = await KeyCountAsync();

        using var response = await GlanceApi.DeleteMemberAsync(_fx.Client, token, _image, Identities.MemberProject);

        // Kestrel refuses headers over 32 KiB in all (431) before any gateway code runs.
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal(0, _fx.Keystone.ValidationCalls(token));
        Assert.Equal(keysBefore, await KeyCountAsync());
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task TokenOverMaxTokenLength_UnderTheHeaderLimit_Returns401WithoutKeystone_AndIsAudited()
    {
        var token = new string('a', 20 * 1024);

        using var response = await GlanceApi.DeleteMemberAsync(_fx.Client, token, _image, Identities.MemberProject);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, _fx.Keystone.ValidationCalls(token));
        Assert.Equal(1, Assert.Single(_fx.Gateway.AuditEvents("delete_member", "member_path")).Number("Rule"));
        await AssertNothingChangedAsync();
    }

    [Theory]
    [InlineData("one header of 40 KiB")]
    [InlineData("200 headers of 200 bytes")]
    public async Task HeadersOverKestrelsLimit_Return431_AndNothingChanges(string shape)
    {
        using var request = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{_image}/members/{Identities.MemberProject}", _fx.Ids.Owner);
        if (shape.StartsWith("one", StringComparison.Ordinal))
        {
            request.Headers.TryAddWithoutValidation("X-Padding", new string('p', 40 * 1024));
        }
        else
        {
            for (var i = 0; i < 200; i++)
            {
                request.Headers.TryAddWithoutValidation($"X-Padding-{i}", new string('p', 200));
            }
        }

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Empty(_fx.Gateway.AuditEvents("delete_member", "member_path"));
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task RequestLineOverKestrelsLimit_Returns414_AndNothingChanges()
    {
        var path = $"/v2/images/{_image}/members/{Identities.MemberProject}?pad={new string('q', 9 * 1024)}";

        using var response = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Delete, path, _fx.Ids.Owner));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
        Assert.Empty(_fx.Gateway.AuditEvents("delete_member", "member_path"));
        await AssertNothingChangedAsync();
    }

    // The admin may delete any member: if any of these paths reached the member or the image
    // under another reading, something would change. Nothing does. Glance decodes %2F before it
    // routes, so a slash hidden in the member id splits it into extra segments (no route: 404 at
    // the edge, never forwarded); NUL is refused by Kestrel (400); invalid UTF-8 becomes U+FFFD
    // (no such id: 404); dot segments are literal, so a trailing ".." is an extra segment (404).
    [Theory]
    [InlineData("{image}/members/project-b%2F", 404)]
    [InlineData("{image}/members/project-b%2F..%2F..", 404)]
    [InlineData("{image}/members/project-b%00", 400)]
    [InlineData("{image}%00/members/project-b", 400)]
    [InlineData("{image}/members/project-b%C0%AF", 404)]
    [InlineData("{image}/members/project-b%FF", 404)]
    [InlineData("{image}%FF/members/project-b", 404)]
    [InlineData("{image}%C0%AF/members/project-b", 404)]
    [InlineData("{image}/members/project-b/..", 404)]
    [InlineData("{image}/members/project-b/%2e%2e", 404)]
    [InlineData("{image}%00", 400)]
    [InlineData("{image}%2F..", 404)]
    public async Task HostileIds_AdminToken_NeverDeleteAnotherResource(string shape, int status)
    {
        var path = "/v2/images/" + shape.Replace("{image}", _image, StringComparison.Ordinal);

        using var response = await SendRawPathAsync(HttpMethod.Delete, path, _fx.Ids.Admin);
        output.WriteLine($"DELETE {shape} -> {(int)response.StatusCode}");

        Assert.Equal(status, (int)response.StatusCode);
        await AssertNothingChangedAsync();
    }

    // DELETE /v2/images/{image}%2Fmembers%2Fproject-b decodes, as Glance decodes it before routing,
    // to the member DELETE of project-b: decided as that (the admin may), audited as that, and
    // exactly that is carried out; the image and the other member stay.
    [Theory]
    [InlineData("{image}%2Fmembers%2Fproject-b")]
    [InlineData("{image}%2fmembers%2fproject-b")]
    public async Task EncodedSlashes_DecodeToTheMemberDelete_WhichIsDecidedAndDoneExactly(string shape)
    {
        var path = "/v2/images/" + shape.Replace("{image}", _image, StringComparison.Ordinal);

        using var response = await SendRawPathAsync(HttpMethod.Delete, path, _fx.Ids.Admin);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var audit = Assert.Single(_fx.Gateway.AuditEvents("delete_member", "member_path"));
        Assert.Equal(Identities.MemberProject, audit.Get("MemberId"));
        Assert.Equal("allow", audit.Get("Decision"));
        Assert.False(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, _image, Identities.MemberProject));
        Assert.True(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, _image, Identities.OtherMemberProject));
        Assert.Equal(_imageBefore, await ImageJsonAsync());
    }

    // Dot segments are literal path segments in Glance (it resolves none): each of these spellings
    // matches no route, so the gateway answers 404 itself and forwards nothing, whoever asks.
    [Theory]
    [InlineData("/v2/images/../images/{image}/members/project-d")]
    [InlineData("/v2/images/%2e%2e/images/{image}/members/project-d")]
    [InlineData("/v2/images/%2E%2E/images/{image}/members/project-d")]
    [InlineData("/v2/./images/{image}/./members/project-d")]
    [InlineData("/v2/images/{image}/members/x/../project-d")]
    [InlineData("/v2/images/{image}/members/project-b/..")]
    public async Task DotSegments_AreLiteral_NoRouteIsAnswered404AtTheEdge(string shape)
    {
        using var response = await SendRawPathAsync(HttpMethod.Delete, shape.Replace("{image}", _image, StringComparison.Ordinal), _fx.Ids.Admin);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(GlanceErrorBody.Render(404, GlanceErrorWriter.ResourceNotFound, GlanceErrorFormat.Plain).Body, await response.Content.ReadAsStringAsync());
        Assert.Empty(_fx.Gateway.AuditEvents("delete_member", "member_path"));
        await AssertNothingChangedAsync();
    }

    // Routes' _method override turns a GET (or a form POST) on the member path into the member
    // DELETE in Glance: the gateway decides what the router routes to, so the member's own
    // overridden DELETE is refused at the edge and audited, and nothing is removed.
    [Fact]
    public async Task MethodOverrideQuery_GetWithMethodDelete_IsDecidedAsTheMemberDelete()
    {
        using var response = await _fx.Client.SendAsync(GlanceApi.Request(
            HttpMethod.Get, $"/v2/images/{_image}/members/{Identities.MemberProject}?_method=DELETE", _fx.Ids.Member));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(7, Assert.Single(_fx.Gateway.AuditEvents("delete_member", "member_path")).Number("Rule"));
        await AssertNothingChangedAsync();
    }

    // A form POST overridden to DELETE carries its form as a body: the member delete takes none
    // (body_reject), so Glance, and the gateway, answer 400 even to the owner.
    [Fact]
    public async Task MethodOverrideForm_PostWithMethodDelete_IsTheMemberDeleteWithABody400()
    {
        using var request = GlanceApi.Request(HttpMethod.Post, $"/v2/images/{_image}/members/{Identities.MemberProject}", _fx.Ids.Owner);
        request.Content = new FormUrlEncodedContent([KeyValuePair.Create("_method", "delete")]);

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(4, Assert.Single(_fx.Gateway.AuditEvents("delete_member", "member_path")).Number("Rule"));
        await AssertNothingChangedAsync();
    }

    // Methods the router does not take are answered as Glance's router answers them, at the edge:
    // 405 with the route's Allow, never YARP's 502; 501 where no route matches.
    [Theory]
    [InlineData("CONNECT", "/v2/images/{image}", 405, "GET, PATCH, DELETE")]
    [InlineData("TRACE", "/v2/images/{image}", 405, "GET, PATCH, DELETE")]
    [InlineData("PROPFIND", "/v2/images/{image}/members/project-b", 405, "GET, PUT, DELETE")]
    [InlineData("CONNECT", "/v2/nothing-here", 501, null)]
    public async Task OddMethods_AreAnsweredAsGlanceRouterAnswersThem(string method, string path, int status, string? allow)
    {
        var response = await RawHttp.SendAsync(_fx.Gateway.Address, $"{method} {path.Replace("{image}", _image, StringComparison.Ordinal)} HTTP/1.1\r\nHost: localhost\r\nX-Auth-Token: {_fx.Ids.Admin}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        Assert.StartsWith($"HTTP/1.1 {status} ", response, StringComparison.Ordinal);
        if (allow is not null)
        {
            Assert.Contains($"Allow: {allow}\r\n", response, StringComparison.Ordinal);
        }

        await AssertNothingChangedAsync();
    }

    [Theory]
    [InlineData("X-HTTP-Method-Override")]
    [InlineData("X-HTTP-Method")]
    [InlineData("X-Method-Override")]
    [InlineData("X_HTTP_Method_Override")]
    public async Task MethodOverrideHeader_DeleteOnAGet_DeletesNothing(string header)
    {
        using (var member = GlanceApi.Request(HttpMethod.Get, $"/v2/images/{_image}/members/{Identities.MemberProject}", _fx.Ids.Owner))
        {
            member.Headers.TryAddWithoutValidation(header, "DELETE");
            using var response = await _fx.Client.SendAsync(member);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var image = GlanceApi.Request(HttpMethod.Get, $"/v2/images/{_image}", _fx.Ids.Owner))
        {
            image.Headers.TryAddWithoutValidation(header, "DELETE");
            using var response = await _fx.Client.SendAsync(image);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Empty(_fx.Gateway.AuditEvents("delete_member", "member_path"));
        await AssertNothingChangedAsync();
    }

    // A front end and a back end reading the framing differently is how requests are smuggled.
    // Behind each shape, on the same connection, a DELETE by the owner (who could delete): it
    // is never read. Kestrel refuses the malformed shapes with its own 400 (empty body, not
    // Glance's format: it answers before any gateway code runs). Transfer-Encoding together with
    // Content-Length it reads by Transfer-Encoding alone and then closes the connection, as
    // RFC 9112 section 6.1 allows; the request is served, what follows it is dropped.
    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", 200)]
    [InlineData("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 200)]
    [InlineData("Transfer-Encoding: gzip, chunked\r\nContent-Length: 5\r\n", 200)]
    [InlineData("Transfer-Encoding: identity\r\nContent-Length: 5\r\n", 400)]
    [InlineData("Transfer-Encoding: chunked, identity\r\n", 400)]
    [InlineData("Transfer-Encoding : chunked\r\n", 400)]
    [InlineData("Content-Length: 5\r\nContent-Length: 6\r\n", 400)]
    [InlineData("Content-Length: 5, 5\r\n", 400)]
    [InlineData("Content-Length: -5\r\n", 400)]
    [InlineData("Content-Length: 0x5\r\n", 400)]
    public async Task SmugglingShapes_AreRefusedOrClosed_AndThePipelinedDeleteNeverRuns(string framing, int status)
    {
        var smuggled = $"DELETE /v2/images/{_image}/members/{Identities.MemberProject} HTTP/1.1\r\nHost: gateway\r\nX-Auth-Token: {_fx.Ids.Owner}\r\n\r\n";
        var request = $"GET /v2/images/{_image} HTTP/1.1\r\nHost: gateway\r\nX-Auth-Token: {_fx.Ids.Member}\r\n{framing}\r\n0\r\n\r\n{smuggled}";

        var answer = await RawHttp.SendAsync(_fx.Gateway.Address, request);

        Assert.True(RawHttp.Statuses(answer).SequenceEqual([status]), answer);
        if (status == 200)
        {
            Assert.Contains("\r\nConnection: close\r\n", answer, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Empty(_fx.Gateway.AuditEvents("delete_member", "member_path"));
        await AssertNothingChangedAsync();
    }

    // Glance's has_body (wsgi.py JSONRequestDeserializer) counts a chunked body only for POST,
    // PUT and PATCH: a chunked DELETE is a DELETE without a body, decided as such (the member's
    // own: 403, audited) and never 400.
    [Fact]
    public async Task ChunkedBodyOnMemberDelete_IsNoBodyForGlance_DecidedAsTheDelete()
    {
        using var request = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{_image}/members/{Identities.MemberProject}", _fx.Ids.Member);
        request.Content = new StreamContent(new MemoryStream("{\"member\": \"project-b\"}"u8.ToArray()));
        request.Headers.TransferEncodingChunked = true;

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(7, Assert.Single(_fx.Gateway.AuditEvents("delete_member", "member_path")).Number("Rule"));
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task Http10Client_IsServedAndJudgedLikeAnyOther()
    {
        var refused = await RawHttp.SendAsync(_fx.Gateway.Address,
            $"DELETE /v2/images/{_image}/members/{Identities.OtherMemberProject} HTTP/1.0\r\nX-Auth-Token: {_fx.Ids.Member}\r\n\r\n");
        var read = await RawHttp.SendAsync(_fx.Gateway.Address, $"GET /v2/images/{_image}/members HTTP/1.0\r\nX-Auth-Token: {_fx.Ids.Member}\r\n\r\n");

        Assert.Equal([403], RawHttp.Statuses(refused));
        Assert.True(refused.Contains($"Not allowed to delete members for image {_image}.", StringComparison.Ordinal), refused);
        Assert.Contains($"Not allowed to delete members for image {_image}.", refused, StringComparison.Ordinal);
        Assert.Equal([200], RawHttp.Statuses(read));
        Assert.Contains($"\"member_id\":\"{Identities.MemberProject}\"", read.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        await AssertNothingChangedAsync();

        var allowed = await RawHttp.SendAsync(_fx.Gateway.Address,
            $"DELETE /v2/images/{_image}/members/{Identities.OtherMemberProject} HTTP/1.0\r\nX-Auth-Token: {_fx.Ids.Owner}\r\n\r\n");

        Assert.Equal([204], RawHttp.Statuses(allowed));
        Assert.False(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, _image, Identities.OtherMemberProject));
        Assert.True(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, _image, Identities.MemberProject));
    }

    private static string SpoofedValue(string name) =>
        name.Contains("status", StringComparison.OrdinalIgnoreCase) ? "Confirmed"
        : name.Contains("scope", StringComparison.OrdinalIgnoreCase) ? "all"
        : name.Contains("admin-project", StringComparison.OrdinalIgnoreCase) ? "True"
        : name.Contains("project", StringComparison.OrdinalIgnoreCase) || name.Contains("tenant", StringComparison.OrdinalIgnoreCase) ? Identities.OwnerProject
        : "admin";

    private static string GlanceErrorText(int status, string explanation) =>
        Glance.Policy.Errors.GlanceErrorBody.Render(status, explanation, Glance.Policy.Errors.GlanceErrorFormat.Plain).Body;

    // Sends the path exactly as written (no dot-segment removal, no re-escaping by Uri).
    private async Task<HttpResponseMessage> SendRawPathAsync(HttpMethod method, string path, string token)
    {
        var uri = new Uri(_fx.Gateway.Address.GetLeftPart(UriPartial.Authority) + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = GlanceApi.Request(method, uri.ToString(), token);
        request.RequestUri = uri;
        return await _fx.Client.SendAsync(request);
    }

    private async Task AssertNothingChangedAsync()
    {
        Assert.True(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, _image, Identities.MemberProject), "project-b was removed");
        Assert.True(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, _image, Identities.OtherMemberProject), "project-d was removed");
        Assert.Equal(_imageBefore, await ImageJsonAsync());
    }

    private async Task<string> ImageJsonAsync()
    {
        using var response = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{_image}", _fx.Ids.Admin));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonSerializer.Serialize(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    private async Task<int> KeyCountAsync() =>
        int.Parse((await _fx.Redis.CommandAsync("DBSIZE")).TrimStart(':').Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
