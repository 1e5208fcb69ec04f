using System.Diagnostics;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.Client;

/// <summary>
/// python-glanceclient as users run it: password authentication against the real Keystone
/// (<c>--os-auth-url</c>), the image API at the gateway (<c>--os-image-url</c>).
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class GlanceClientPasswordAuthTests(KeystoneFixture fixture) : IAsyncLifetime
{
    private readonly KeystoneServer _keystone = fixture.Keystone;
    private RedisServer _redis = null!;
    private GatewayHost _gateway = null!;
    private string _home = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.SharedOrNewAsync();
        _gateway = await EndToEndGateway.StartAsync(_keystone, _redis);
        _home = Directory.CreateTempSubdirectory("glance-e2e-home-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _redis.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task GlanceMemberDelete_OwnerWithPassword_ExitsZeroAndMemberRemoved()
    {
        var (image, owner) = await SharedImageWithMemberAsync();

        var (exit, output) = await GlanceAsync(_keystone.Owner, "member-delete", image, _keystone.Member.ProjectId);

        Assert.True(exit == 0, output);
        Assert.Empty(await GlanceApi.MembersAsync(_gateway.Client, owner, image));
    }

    [Fact]
    public async Task GlanceMemberDelete_MemberDeletingItselfWithPassword_ExitsOneWith403AndMemberKept()
    {
        var (image, owner) = await SharedImageWithMemberAsync();

        var (exit, output) = await GlanceAsync(_keystone.Member, "member-delete", image, _keystone.Member.ProjectId);

        Assert.True(exit == 1, $"exit {exit}: {output}");
        Assert.True(output.Contains($"HTTP 403 Forbidden: Not allowed to delete members for image {image}.", StringComparison.Ordinal), output);
        Assert.Equal([_keystone.Member.ProjectId], await GlanceApi.MembersAsync(_gateway.Client, owner, image));
    }

    private async Task<(string Image, string OwnerToken)> SharedImageWithMemberAsync()
    {
        var owner = await _keystone.IssueTokenAsync(_keystone.Owner);
        var image = await GlanceApi.CreateImageAsync(_gateway.Client, owner, "shared");
        await GlanceApi.AddMemberAsync(_gateway.Client, owner, image, _keystone.Member.ProjectId);
        return (image, owner);
    }

    private async Task<(int Exit, string Output)> GlanceAsync(KeystoneAccount account, params string[] arguments)
    {
        var info = new ProcessStartInfo(File.Exists("/usr/bin/glance") ? "/usr/bin/glance" : "glance")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--os-auth-url", _keystone.AuthUrl,
                     "--os-username", account.User,
                     "--os-password", account.Password,
                     "--os-project-name", account.Project,
                     "--os-user-domain-id", "default",
                     "--os-project-domain-id", "default",
                     "--os-image-url", _gateway.Address.ToString().TrimEnd('/'),
                 }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("OS_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["HOME"] = _home;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
