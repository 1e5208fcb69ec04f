using Glance.Testing;
using System.Net;
using Glance.Gateway.Hosting;
using Glance.Gateway.Tests.Support;

namespace Glance.Gateway.Tests.Hosting;

/// <summary>Options validated at start-up (one clear line), embedded defaults, development tokens.</summary>
[Trait("Host", "Any")]
public sealed class StartupTests
{
    [Trait("Host", "InProcess")]
    [Theory]
    [InlineData("Keystone:Url", "not a uri", "Keystone:Url must be an absolute http or https URI")]
    [InlineData("Keystone:Url", "http://127.0.0.1:1/v3", "Keystone:Username, Keystone:Password and Keystone:ProjectName are required")]
    [InlineData("Keystone:TokenCacheSeconds", "0", "Keystone:TokenCacheSeconds must be between 1 and 86400")]
    [InlineData("Keystone:CacheSecret", "short", "Keystone:CacheSecret must be at least 16 characters long")]
    [InlineData("Backend:Identity", "Token", "Backend:Identity=Token needs Keystone:Url")]
    [InlineData("Backend:Identity", "Tokens", "Failed to convert configuration value")]
    [InlineData("ImageStore:Url", "ftp://127.0.0.1:1", "ImageStore:Url must be an absolute http URI")]
    [InlineData("ImageStore:WalLimitPages", "0", "ImageStore:WalLimitPages must be positive")]
    [InlineData("Gateway:ConfigPath", "/nonexistent/glance-config", "Gateway:ConfigPath '/nonexistent/glance-config' does not exist")]
    public async Task WrongSetting_StopsStartup_WithOneClearLine(string key, string value, string expected)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatewayHost.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.True(StartupFailure.IsConfigurationError(failure), failure.ToString());
        var line = StartupFailure.Describe(failure);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task BrokenRoutesFileAtStartup_StopsStartup_NamingTheFile()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatewayHost.StartAsync(routesJson: "{ \"ReverseProxy\": "));

        Assert.True(StartupFailure.IsConfigurationError(failure), failure.ToString());
        Assert.Contains("reverse-proxy.json cannot be used", StartupFailure.Describe(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GatewayProcess_WrongSetting_ExitsWithCode2AndOneLineOnStderr()
    {
        // The executable under test: the build's dll, or the native binary in the test command's run against it.
        var (exitCode, stdout, stderr) = await GatewayProcess.RunToExitAsync(
            new Dictionary<string, string?>
            {
                ["Keystone:TokenCacheSeconds"] = "-5",
                ["ImageStore:Enabled"] = "false",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["Gateway:ConfigPath"] = Path.Combine(AppContext.BaseDirectory, "config"),
            },
            AppContext.BaseDirectory,
            GatewayHost.Executable);

        Assert.Equal(2, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Equal("glance-gateway: configuration error: Keystone:TokenCacheSeconds must be between 1 and 86400 (got -5).", line);
        Assert.DoesNotContain("   at ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutKeystoneUrl_DevTokensAreAccepted_AndWarnedAboutAsDevelopmentOnly()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var owner = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "dev-owner"));
        using var unknown = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", "dev-nobody"));

        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Contains("DEVELOPMENT ONLY", gateway.AppLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevSystemAdmin_BehavesAsAdmin()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var image = await GlanceApi.CreateImageAsync(gateway.Client, "dev-owner", "shared");
        await GlanceApi.AddMemberAsync(gateway.Client, "dev-owner", image, "project-b");

        using var response = await GlanceApi.DeleteMemberAsync(gateway.Client, "dev-system-admin", image, "project-b");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
