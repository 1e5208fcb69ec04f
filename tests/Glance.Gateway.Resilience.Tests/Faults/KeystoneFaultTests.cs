using System.Net;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Errors;
using Glance.Policy.RequestIds;
using Glance.Testing;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Settings;

namespace Glance.Gateway.Resilience.Tests.Faults;

/// <summary>Keystone stopped and back, slow, or answering garbage: 503, never a 500, never a crash.</summary>
public sealed class KeystoneFaultTests
{
    [Fact]
    public async Task KeystoneStoppedThenBack_CachedTokensWorkUntilCacheLifetime_NewTokens503_BackWithoutRestart()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fx = await GatewayFixture.StartAsync(new Dictionary<string, string?> { ["Keystone:TokenCacheSeconds"] = "60" }, time);
        await ExpectAsync(fx.Client, fx.Ids.Owner, HttpStatusCode.OK);

        var (port, mappings) = WireMockRestart.Stop(fx.Keystone.Server);

        await ExpectAsync(fx.Client, fx.Ids.Owner, HttpStatusCode.OK);
        time.Advance(TimeSpan.FromSeconds(59));
        await ExpectAsync(fx.Client, fx.Ids.Owner, HttpStatusCode.OK);
        await ExpectUnavailableAsync(fx.Client, fx.Ids.Member);
        time.Advance(TimeSpan.FromSeconds(2));
        await ExpectUnavailableAsync(fx.Client, fx.Ids.Owner);

        using var back = await WireMockRestart.StartAsync(port, mappings);

        await ExpectAsync(fx.Client, fx.Ids.Owner, HttpStatusCode.OK);
        await ExpectAsync(fx.Client, fx.Ids.Member, HttpStatusCode.OK);
        Assert.Equal(1, CountValidations(back, fx.Ids.Owner));
        Assert.Equal(1, CountValidations(back, fx.Ids.Member));
    }

    [Fact]
    public async Task KeystoneSlowerThanItsTimeout_Returns503_ThenServesAgain()
    {
        await using var fx = await GatewayFixture.StartAsync(new Dictionary<string, string?> { ["Keystone:TimeoutSeconds"] = "1" });
        fx.Keystone.Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet().WithHeader("X-Subject-Token", "slow-token"))
            .AtPriority(0).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(4)).WithBody("{}"));

        await ExpectUnavailableAsync(fx.Client, "slow-token");

        await ExpectAsync(fx.Client, fx.Ids.Owner, HttpStatusCode.OK);
    }

    public static TheoryData<string, int, string?, string> Garbage => new()
    {
        { "truncated json", 200, "application/json", "{\"token\": {\"user\": {\"id\": " },
        { "json array", 200, "application/json", "[1, 2, 3]" },
        { "json null", 200, "application/json", "null" },
        { "empty body", 200, "application/json", string.Empty },
        { "html", 200, "text/html", "<html><body>proxy error</body></html>" },
        { "wrong types", 200, "application/json", "{\"token\": {\"user\": {\"id\": 5}, \"roles\": \"admin\", \"expires_at\": \"yesterday\"}}" },
        { "no expiry", 200, "application/json", "{\"token\": {\"user\": {\"id\": \"u\"}, \"project\": {\"id\": \"p\"}, \"roles\": []}}" },
        { "deep nesting", 200, "application/json", new string('[', 5000) + new string(']', 5000) },
        { "large garbage", 200, "application/json", "{\"token\": \"" + new string('x', 4 * 1024 * 1024) + "\"}" },
        { "server error", 500, "application/json", "{\"error\": {\"code\": 500}}" },
        { "bad gateway html", 502, "text/html", "<html>bad gateway</html>" },
        { "redirect", 302, null, string.Empty },
    };

    // One gateway process for every shape: after each, the process still runs and still serves.
    [Fact]
    public async Task KeystoneAnsweringGarbage_EveryShape_Returns503_NeverA500_ProcessKeepsServing()
    {
        await using var redis = await RedisServer.SharedOrNewAsync();
        using var keystone = new KeystoneStub();
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        var shapes = Garbage.Select(row => ((string)row[0], (int)row[1], (string?)row[2], (string)row[3])).ToList();
        for (var i = 0; i < shapes.Count; i++)
        {
            var (_, status, contentType, body) = shapes[i];
            var response = Response.Create().WithStatusCode(status).WithBody(body);
            if (contentType is not null)
            {
                response = response.WithHeader("Content-Type", contentType);
            }

            if (status == 302)
            {
                response = response.WithHeader("Location", keystone.Url + "/v3/auth/tokens");
            }

            keystone.Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet().WithHeader("X-Subject-Token", $"garbage-{i}"))
                .AtPriority(0).RespondWith(response);
        }

        keystone.Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet().WithHeader("X-Subject-Token", "reset-token"))
            .AtPriority(0).RespondWith(Response.Create().WithFault(FaultType.EMPTY_RESPONSE));
        keystone.Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet().WithHeader("X-Subject-Token", "malformed-token"))
            .AtPriority(0).RespondWith(Response.Create().WithFault(FaultType.MALFORMED_RESPONSE_CHUNK));
        await using var gateway = await ProcessGateway.StartAsync(keystone, redis);

        var tokens = Enumerable.Range(0, shapes.Count).Select(i => $"garbage-{i}").Append("reset-token").Append("malformed-token").ToList();
        foreach (var token in tokens)
        {
            using var response = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            var shape = token.StartsWith("garbage-", StringComparison.Ordinal) ? shapes[int.Parse(token[8..], System.Globalization.CultureInfo.InvariantCulture)].Item1 : token;
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{shape}: {(int)response.StatusCode} {text}");
            Assert.Equal(GlanceErrorBody.Render(503, GlanceErrorWriter.KeystoneUnavailable, GlanceErrorFormat.Json).Body, text);
            Assert.True(gateway.Process.IsRunning, $"the gateway exited after {shape}");
        }

        using (var health = await gateway.Client.GetAsync(new Uri("/healthz", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using var good = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", ids.Owner));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.DoesNotContain("Unexpected failure", gateway.AppLog(), StringComparison.Ordinal);
        await gateway.Process.StopAsync();
        Assert.Equal(0, gateway.Process.ExitCode);
    }

    private static async Task ExpectAsync(HttpClient client, string token, HttpStatusCode status)
    {
        using var response = await client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token));
        Assert.True(response.StatusCode == status, $"{token}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task ExpectUnavailableAsync(HttpClient client, string token)
    {
        using var response = await client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", token, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(GlanceErrorBody.Render(503, GlanceErrorWriter.KeystoneUnavailable, GlanceErrorFormat.Json).Body, await response.Content.ReadAsStringAsync());
        Assert.StartsWith("req-", response.Headers.GetValues(RequestId.HeaderName).Single(), StringComparison.Ordinal);
    }

    private static int CountValidations(WireMock.Server.WireMockServer server, string token) => server.LogEntries.Count(e =>
        e.RequestMessage.Method == "GET" && e.RequestMessage.Path == "/v3/auth/tokens"
        && KeystoneStub.HeaderValue(e.RequestMessage.Headers, "X-Subject-Token") == token);
}
