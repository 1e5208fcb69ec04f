using System.Diagnostics;
using Glance.Gateway.Tests.Support;

namespace Glance.Gateway.Tests.Client;

/// <summary>python-glanceclient (the CLI users run) pointed at the gateway with development tokens.</summary>
[Trait("Host", "Any")]
public sealed class GlanceClientTests : IAsyncLifetime
{
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task GlanceMemberDelete_Owner_ExitsZero_MemberRemoved()
    {
        var image = await SharedImageWithMemberAsync();

        var (exit, output) = await GlanceAsync("dev-owner", "member-delete", image, "project-b");

        Assert.True(exit == 0, output);
        Assert.False(await GlanceApi.MemberExistsAsync(_gateway.Client, "dev-admin", image, "project-b"));
    }

    [Fact]
    public async Task GlanceMemberDelete_MemberDeletingItself_ExitsOneWith403()
    {
        var image = await SharedImageWithMemberAsync();

        var (exit, output) = await GlanceAsync("dev-member", "member-delete", image, "project-b");

        Assert.Equal(1, exit);
        Assert.Contains($"HTTP 403 Forbidden: Not allowed to delete members for image {image}.", output, StringComparison.Ordinal);
        Assert.True(await GlanceApi.MemberExistsAsync(_gateway.Client, "dev-admin", image, "project-b"));
    }

    [Fact]
    public async Task GlanceMemberDelete_Stranger_ExitsOneWith404()
    {
        var image = await SharedImageWithMemberAsync();

        var (exit, output) = await GlanceAsync("dev-stranger", "member-delete", image, "project-b");

        Assert.Equal(1, exit);
        Assert.Contains($"HTTP 404 Not Found: Image {image} not found.", output, StringComparison.Ordinal);
    }

    private async Task<string> SharedImageWithMemberAsync()
    {
        var image = await GlanceApi.CreateImageAsync(_gateway.Client, "dev-owner", "shared");
        await GlanceApi.AddMemberAsync(_gateway.Client, "dev-owner", image, "project-b");
        return image;
    }

    private async Task<(int Exit, string Output)> GlanceAsync(string token, params string[] arguments)
    {
        var info = new ProcessStartInfo(File.Exists("/usr/bin/glance") ? "/usr/bin/glance" : "glance")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--os-image-url");
        info.ArgumentList.Add(_gateway.Address.ToString().TrimEnd('/'));
        info.ArgumentList.Add("--os-auth-token");
        info.ArgumentList.Add(token);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME", "OS_CLOUD", "OS_TOKEN", "OS_IMAGE_URL" })
        {
            info.Environment.Remove(name);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
