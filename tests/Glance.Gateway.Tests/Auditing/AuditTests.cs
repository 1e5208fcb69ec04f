using System.Net;
using System.Security.Cryptography;
using System.Text;
using Glance.Gateway.Tests.Support;
using Glance.Policy.RequestIds;

namespace Glance.Gateway.Tests.Auditing;

/// <summary>The audit trail: one event per member-DELETE decision, its fields, its own sink, no secrets.</summary>
[Trait("Host", "Any")]
public sealed class AuditTests : IAsyncLifetime
{
    private static readonly string[] Fields =
    [
        "Operation", "EdgeMode", "RequestId", "UserId", "ProjectId", "Roles", "Method", "Path", "ImageId", "MemberId", "Decision", "Rule", "Status", "BackendStatus", "TokenCache", "ElapsedMs", "ClientAddress", "UserAgent",
    ];

    private GatewayFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await GatewayFixture.StartAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task EachDecision_WritesOneEventWithEveryField()
    {
        _fx.Client.DefaultRequestHeaders.UserAgent.ParseAdd("python-glanceclient/4.7.0");
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, image, "project-b");
        var responses = new List<HttpResponseMessage>
        {
            await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Member, image, "project-b"),
            await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Stranger, image, "project-b"),
            await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Owner, image, "project-b"),
            await GlanceApi.DeleteMemberAsync(_fx.Client, "no-such-token", image, "project-b"),
        };

        var events = _fx.Gateway.AuditEvents("delete_member");

        Assert.Equal(4, events.Count);
        Assert.All(events, e => Assert.All(Fields, field => Assert.True(e.Has(field), $"missing {field}: {e.Line}")));
        var byRequest = responses.Select(r => events.Single(e => e.Get("RequestId") == r.Headers.GetValues(RequestId.HeaderName).Single())).ToList();
        Assert.Equal(("deny", 7, 403), (byRequest[0].Get("Decision"), byRequest[0].Number("Rule"), byRequest[0].Number("Status")));
        Assert.Equal(("deny", 5, 404), (byRequest[1].Get("Decision"), byRequest[1].Number("Rule"), byRequest[1].Number("Status")));
        Assert.Equal(("allow", 9, 204, 204), (byRequest[2].Get("Decision"), byRequest[2].Number("Rule"), byRequest[2].Number("Status"), byRequest[2].Number("BackendStatus")));
        Assert.Equal(("deny", 1, 401), (byRequest[3].Get("Decision"), byRequest[3].Number("Rule"), byRequest[3].Number("Status")));
        Assert.Equal("owner-user", byRequest[2].Get("UserId"));
        Assert.Equal("project-a", byRequest[2].Get("ProjectId"));
        Assert.Equal("member", byRequest[2].Get("Roles"));
        Assert.Equal(image, byRequest[2].Get("ImageId"));
        Assert.Equal("project-b", byRequest[2].Get("MemberId"));
        Assert.Equal("L1", byRequest[2].Get("TokenCache"));
        Assert.Equal("miss", byRequest[0].Get("TokenCache"));
        Assert.Equal(9001, events[0].Json.GetProperty("EventId").GetProperty("Id").GetInt32());
        Assert.All(events, e => Assert.Equal("127.0.0.1", e.Get("ClientAddress")));
        Assert.All(events, e => Assert.Equal("python-glanceclient/4.7.0", e.Get("UserAgent")));
        Assert.All(events, e => Assert.False(e.Has("@mt"), $"the audit line repeats its template: {e.Line}"));
        responses.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task NoLog_ContainsATokenOrItsHashOrTheServicePassword()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, image, "project-b");
        (await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Member, image, "project-b")).Dispose();
        (await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Owner, image, "project-b")).Dispose();
        (await GlanceApi.DeleteMemberAsync(_fx.Client, "unknown-token-value", image, "project-b")).Dispose();

        var logs = GatewayHost.SharedRead(_fx.Gateway.AuditPath) + _fx.Gateway.AppLog();

        Assert.NotEmpty(GatewayHost.SharedRead(_fx.Gateway.AuditPath));
        foreach (var secret in new[] { _fx.Ids.Owner, _fx.Ids.Member, "unknown-token-value", KeystoneStub.ServiceToken, "service-password-never-logged" })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), logs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AuditEvents_GoToTheirOwnSink_NotTheApplicationLog()
    {
        (await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Stranger, Guid.NewGuid().ToString(), "project-b")).Dispose();

        Assert.Single(_fx.Gateway.AuditEvents());
        Assert.DoesNotContain("Member delete", _fx.Gateway.AppLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestsWithNoPolicyCheck_WriteNoAuditEvent()
    {
        using var schema = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/schemas/image", _fx.Ids.Owner));
        Assert.Equal(HttpStatusCode.OK, schema.StatusCode);

        Assert.Empty(_fx.Gateway.AuditEvents());
    }

    [Fact]
    public async Task EveryDecidedOperation_WritesOneEventNamingIt()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "private");
        using var list = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", _fx.Ids.Owner));
        using var show = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{image}", _fx.Ids.Stranger));
        using var delete = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{image}", _fx.Ids.Owner));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.NoContent), (list.StatusCode, show.StatusCode, delete.StatusCode));
        var byRequest = new[] { list, show, delete }
            .Select(r => Assert.Single(_fx.Gateway.AuditEvents(), e => e.Get("RequestId") == r.Headers.GetValues(RequestId.HeaderName).Single()))
            .Select(e => (e.Get("Operation"), e.Get("Decision"), e.Get("RuleName"), e.Get("PolicyRule"), e.Number("Status")))
            .ToList();
        Assert.Equal(("get_images", "allow", "Allowed", "get_images", 200), byRequest[0]);
        Assert.Equal(("get_image", "deny", "ImageNotFound", null, 404), byRequest[1]);
        Assert.Equal(("delete_image", "allow", "Allowed", "delete_image", 204), byRequest[2]);
    }
}
