using System.Net;
using System.Text.Json;
using Glance.Gateway.EndToEnd.Tests.Support;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// The suite's real Glances (tests/glance/glance.sh) run: both answer the versions document as
/// Glance 25 without image cache or multiple stores does, and the gateway in front of each passes
/// it on unchanged (links aside, which name the address the client used).
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class RealGlanceServerTests(KeystoneFixture keystoneFixture, RealGlanceFixture glanceFixture) : IAsyncLifetime
{
    private static readonly string[] Versions = ["v2.15", "v2.9", "v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0"];

    private RealGlanceSuite _suite = null!;

    public async Task InitializeAsync() => _suite = await glanceFixture.StartAsync(keystoneFixture.Keystone);

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(GlanceRbac.Legacy)]
    [InlineData(GlanceRbac.Secure)]
    public async Task GlanceServer_Started_AnswersVersionsDocument(GlanceRbac mode)
    {
        var side = _suite.For(mode);

        using var response = await side.Direct.GetAsync(new Uri("/versions", UriKind.Relative));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /versions: {(int)response.StatusCode} {text}");
        var versions = JsonDocument.Parse(text).RootElement.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(Versions, versions.Select(v => v.GetProperty("id").GetString()));
        Assert.Equal("CURRENT", versions[0].GetProperty("status").GetString());
        Assert.Equal(mode, side.Glance.Mode);
        Assert.Equal(mode == GlanceRbac.Secure ? "secure" : "legacy", side.Glance.Env["GLANCE_MODE"]);
    }

    [Theory]
    [InlineData(GlanceRbac.Legacy)]
    [InlineData(GlanceRbac.Secure)]
    public async Task VersionsDocument_ThroughGateway_SameAsGlance(GlanceRbac mode)
    {
        var side = _suite.For(mode);

        var glance = await VersionsAsync(side.Direct);
        var gateway = await VersionsAsync(side.Through);

        Assert.Equal(glance, gateway);
    }

    [Fact]
    public async Task GlanceServer_Tokens_ValidatedByTheSuiteKeystone()
    {
        foreach (var mode in new[] { GlanceRbac.Legacy, GlanceRbac.Secure })
        {
            var side = _suite.For(mode);
            await GlanceApi.ExpectAsync(side.Direct, HttpMethod.Get, "/v2/images", _suite.Tokens.Owner, HttpStatusCode.OK);
            await GlanceApi.ExpectAsync(side.Direct, HttpMethod.Get, "/v2/images", _suite.ReaderToken, HttpStatusCode.OK);
            await GlanceApi.ExpectAsync(side.Through, HttpMethod.Get, "/v2/images", _suite.Tokens.Owner, HttpStatusCode.OK);
        }
    }

    // The document with the client's base address written as {base}.
    private static async Task<string> VersionsAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/versions", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {client.BaseAddress}versions: {(int)response.StatusCode} {text}");
        var baseAddress = client.BaseAddress!.GetLeftPart(UriPartial.Authority);
        return $"{response.Content.Headers.ContentType} {text.Replace(baseAddress, "{base}", StringComparison.Ordinal)}";
    }
}
