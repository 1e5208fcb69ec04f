using System.Net;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Errors;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Glance.Gateway.Tests.Keystone;

/// <summary>Row 1 and Keystone's failure modes (CONFORMANCE.md section 3) through the gateway.</summary>
[Trait("Host", "Any")]
public sealed class AuthenticationTests : IAsyncLifetime
{
    private GatewayFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await GatewayFixture.StartAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    public static TheoryData<string?> BadTokens => new()
    {
        null,
        string.Empty,
        "unknown-token",
        new string('x', 8193),
        "tok en",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task MemberDelete_MissingEmptyUnknownOrAbsurdToken_Returns401WithKeystoneChallenge(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/v2/images/abc/members/def");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
        }

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Keystone uri=\"{_fx.Keystone.Url}\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(GlanceErrorBody.Render(401, GlanceErrorWriter.Unauthorized, GlanceErrorFormat.Plain).Body, await response.Content.ReadAsStringAsync());
        var audit = Assert.Single(_fx.Gateway.AuditEvents());
        Assert.Equal(1, audit.Number("Rule"));
        Assert.Equal("deny", audit.Get("Decision"));
    }

    [Fact]
    public async Task AbsurdToken_IsRefusedWithoutAskingKeystone()
    {
        var token = new string('x', 16 * 1024);
        using var request = GlanceApi.Request(HttpMethod.Get, "/v2/images", token);

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, _fx.Keystone.ValidationCalls(token));
    }

    [Fact]
    public async Task DuplicateTokenHeaders_Returns401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/images");
        request.Headers.TryAddWithoutValidation("X-Auth-Token", [_fx.Ids.Owner, _fx.Ids.Admin]);

        using var response = await _fx.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ExpiredToken_FromKeystone_Returns401()
    {
        _fx.Keystone.AddToken("expired-token", "u", "project-a", ["member"], DateTimeOffset.UtcNow.AddMinutes(-1));

        using var response = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "expired-token"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Root_WithoutToken_IsVersionDiscovery()
    {
        using var response = await _fx.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.MultipleChoices, response.StatusCode);
    }

    [Theory]
    [InlineData("/versions")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task VersionsAndHealth_WithoutToken_AreServed(string path)
    {
        using var response = await _fx.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ReadyCheck_RedisDown_200Degraded()
    {
        await _fx.Redis.StopAsync();

        using var response = await _fx.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("{\"status\":\"Degraded\"", body, StringComparison.Ordinal);
        Assert.Contains("\"redis\":{\"status\":\"Degraded\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeystoneDown_CachedTokenWorks_NewTokenGets503()
    {
        using (var warm = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", _fx.Ids.Owner)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        _fx.Keystone.Server.Stop();

        using var cached = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", _fx.Ids.Owner));
        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);

        using var fresh = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", _fx.Ids.Member, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fresh.StatusCode);
        Assert.Equal(GlanceErrorBody.Render(503, GlanceErrorWriter.KeystoneUnavailable, GlanceErrorFormat.Json).Body, await fresh.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(500, "{}")]
    [InlineData(200, "not json at all")]
    [InlineData(200, "{\"token\": {}}")]
    public async Task KeystoneAnsweringGarbage_Returns503NotA500(int status, string body)
    {
        _fx.Keystone.Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet().WithHeader("X-Subject-Token", "garbage-token"))
            .AtPriority(1).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

        using var response = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "garbage-token"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task ServiceTokenRejected_IsRenewedOnceAndValidationRetried()
    {
        using (var first = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", _fx.Ids.Owner)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Assert.Equal(1, _fx.Keystone.ServiceTokenCalls);
        _fx.Keystone.Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet()
                .WithHeader("X-Subject-Token", _fx.Ids.Member).WithHeader("X-Auth-Token", KeystoneStub.ServiceToken))
            .AtPriority(0).InScenario("service-token").WillSetStateTo("renewed")
            .RespondWith(Response.Create().WithStatusCode(401));

        using var second = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", _fx.Ids.Member));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, _fx.Keystone.ServiceTokenCalls);
        Assert.Equal(2, _fx.Keystone.ValidationCalls(_fx.Ids.Member));
    }

    [Fact]
    public async Task PublicUri_IsTheChallengeUri()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>(_fx.Keystone.Settings())
        {
            ["Keystone:PublicUri"] = "https://keystone.example.test/v3",
        });

        using var response = await gateway.Client.GetAsync("/v2/images");

        Assert.Equal("Keystone uri=\"https://keystone.example.test/v3\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task ServiceToken_IsRenewedBeforeItExpires()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var keystone = new KeystoneStub(time, serviceTokenLifetime: TimeSpan.FromMinutes(10));
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        await using var gateway = await GatewayHost.StartAsync(keystone.Settings(), time);

        (await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", ids.Owner))).Dispose();
        time.Advance(TimeSpan.FromMinutes(8));
        (await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", ids.Member))).Dispose();
        Assert.Equal(1, keystone.ServiceTokenCalls);

        time.Advance(TimeSpan.FromMinutes(1.5));
        using var response = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", ids.Stranger));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, keystone.ServiceTokenCalls);
    }

    [Fact]
    public async Task ServiceTokenIssueFailing_ConcurrentMisses_ShareOneAttempt_AndAnswer503()
    {
        // Keystone refuses the gateway's own credentials, slowly: every miss needs the service
        // token, and those waiting while the one attempt runs take its failure as theirs.
        using var keystone = new KeystoneStub();
        keystone.Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingPost()).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(500).WithDelay(TimeSpan.FromMilliseconds(500)));
        await using var gateway = await GatewayHost.StartAsync(keystone.Settings());

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", $"unseen-token-{i}"));
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
        Assert.Equal(1, keystone.ServiceTokenCalls);
    }
}
