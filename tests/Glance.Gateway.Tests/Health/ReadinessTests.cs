using System.Net;
using System.Text.Json;
using Glance.Gateway.Health;
using Glance.Gateway.Hosting;
using Glance.Gateway.Tests.Support;
using Glance.ImageStore.Facts;
using Glance.Policy.Members;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Glance.Gateway.Tests.Health;

/// <summary>
/// <c>/readyz</c>, <c>/healthz</c> and <c>/healthcheck</c> from the platform's health checks: a
/// shared dependency down (Redis, Keystone) is Degraded and still 200; the backend down is 503;
/// liveness never runs a check.
/// </summary>
[Trait("Host", "Any")]
public sealed class ReadinessTests
{
    [Fact]
    public async Task Readyz_EverythingAnswers_200HealthyWithEachCheck()
    {
        await using var fx = await GatewayFixture.StartAsync();

        using var response = await fx.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith(
            "{\"status\":\"Healthy\",\"checks\":{" +
            "\"shutdown\":{\"status\":\"Healthy\",\"description\":\"serving\"}," +
            "\"backend\":{\"status\":\"Healthy\",\"description\":\"1 of 1 destinations of cluster image-store answer\"}," +
            "\"store-database\":{\"status\":\"Healthy\",\"description\":\"the hosted store database answers\"}," +
            "\"redis\":{\"status\":\"Healthy\",\"description\":\"answers\"}," +
            "\"keystone\":{\"status\":\"Healthy\",\"description\":\"answers\"}},\"policy\":{\"revision\":",
            body,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_RedisDown_200DegradedAndMemberRequestsKeepWorking()
    {
        await using var fx = await GatewayFixture.StartAsync();
        var image = await GlanceApi.CreateImageAsync(fx.Client, fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(fx.Client, fx.Ids.Owner, image, Identities.MemberProject);
        await GlanceApi.AddMemberAsync(fx.Client, fx.Ids.Owner, image, Identities.OtherMemberProject);

        await fx.Redis.StopAsync();

        using (var ready = await fx.Client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var body = Parse(await ready.Content.ReadAsStringAsync());
            Assert.Equal("Degraded", body.GetProperty("status").GetString());
            Assert.Equal("Degraded", Check(body, "redis").GetProperty("status").GetString());
            Assert.Equal("unreachable: tokens are validated with Keystone directly", Check(body, "redis").GetProperty("description").GetString());
            Assert.Equal("Healthy", Check(body, "backend").GetProperty("status").GetString());
        }

        using (var delete = await GlanceApi.DeleteMemberAsync(fx.Client, fx.Ids.Owner, image, Identities.MemberProject))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using (var denied = await GlanceApi.DeleteMemberAsync(fx.Client, fx.Ids.Stranger, image, Identities.OtherMemberProject))
        {
            Assert.Equal(HttpStatusCode.NotFound, denied.StatusCode);
        }

        Assert.Equal([Identities.OtherMemberProject], await GlanceApi.MembersAsync(fx.Client, fx.Ids.Owner, image));
    }

    [Fact]
    public async Task Readyz_RedisPortWithNothingListening_200Degraded()
    {
        await using var fx = await GatewayFixture.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{Glance.Testing.FreePort.Next()},abortConnect=false,connectTimeout=500,syncTimeout=500",
        });

        using var response = await fx.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Degraded", body.GetProperty("status").GetString());
        Assert.Equal("Degraded", Check(body, "redis").GetProperty("status").GetString());
        using var images = await fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Owner));
        Assert.Equal(HttpStatusCode.OK, images.StatusCode);
    }

    [Fact]
    public async Task Readyz_KeystoneDown_200Degraded()
    {
        await using var fx = await GatewayFixture.StartAsync();
        fx.Keystone.Server.Stop();

        using var response = await fx.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Degraded", body.GetProperty("status").GetString());
        Assert.Equal("Degraded", Check(body, "keystone").GetProperty("status").GetString());
        Assert.Equal("unreachable: cached tokens are served, new ones get 503", Check(body, "keystone").GetProperty("description").GetString());
        Assert.Equal("Healthy", Check(body, "redis").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_BackendDown_503Unhealthy_LivenessStill200()
    {
        using var backend = new BackendStub();
        await using var fx = await GatewayFixture.StartAsync(
            new Dictionary<string, string?> { ["ImageStore:Enabled"] = "false" }, routesJson: GatewayHost.RoutesToward(backend.Url));
        using (var before = await fx.Client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            Assert.False(Parse(await before.Content.ReadAsStringAsync()).GetProperty("checks").TryGetProperty("store-database", out _));
        }

        // WireMock's Stop closes its listener at once and kept-alive connections a moment later.
        backend.Server.Stop();
        var response = await fx.Client.GetAsync("/readyz");
        for (var i = 0; i < 50 && response.StatusCode == HttpStatusCode.OK; i++)
        {
            response.Dispose();
            await Task.Delay(100);
            response = await fx.Client.GetAsync("/readyz");
        }

        using var unready = response;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", Check(body, "backend").GetProperty("status").GetString());
        Assert.Equal("0 of 1 destinations of cluster image-store answer", Check(body, "backend").GetProperty("description").GetString());
        using var live = await fx.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Readyz_Body_NamesNoSecretOrAddress()
    {
        await using var fx = await GatewayFixture.StartAsync();
        fx.Keystone.Server.Stop();
        await fx.Redis.StopAsync();

        var body = await fx.Client.GetStringAsync("/readyz");

        // The failures' own descriptions are what must not name a secret or an address.
        using (var json = JsonDocument.Parse(body))
        {
            Assert.Equal("Degraded", Check(json.RootElement, "redis").GetProperty("status").GetString());
            Assert.Equal("Degraded", Check(json.RootElement, "keystone").GetProperty("status").GetString());
        }

        foreach (var secret in new[] { "service-password-never-logged", KeystoneStub.ServiceToken, fx.Ids.Owner, "127.0.0.1", "localhost" })
        {
            Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Healthz_And_Healthcheck_KeepTheirBodies()
    {
        await using var fx = await GatewayFixture.StartAsync();

        using var live = await fx.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("text/plain", live.Content.Headers.ContentType?.ToString());
        Assert.Equal("ok\n", await live.Content.ReadAsStringAsync());

        using var oslo = await fx.Client.GetAsync("/healthcheck");
        Assert.Equal(HttpStatusCode.OK, oslo.StatusCode);
        Assert.Equal("text/plain; charset=UTF-8", oslo.Content.Headers.ContentType?.ToString());
        Assert.Equal("OK", await oslo.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StoreDatabaseCheck_ReaderThrows_Unhealthy()
    {
        var check = new StoreDatabaseHealthCheck(new ImageStoreAddress { Facts = new FailingReader() });
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("store-database", check, HealthStatus.Unhealthy, null),
        };

        var result = await check.CheckHealthAsync(context);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("the hosted store database does not answer", result.Description);
    }

    private static JsonElement Parse(string body) => JsonDocument.Parse(body).RootElement.Clone();

    private static JsonElement Check(JsonElement body, string name) => body.GetProperty("checks").GetProperty(name);

    private sealed class FailingReader : IImageFactsReader
    {
        public Task<(ImageFacts? Image, bool IsMember)> ReadAsync(string imageId, string? member, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("database is locked");
    }
}
