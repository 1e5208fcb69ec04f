using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Glance.Gateway.EndToEnd.Tests.Support;

namespace Glance.Gateway.EndToEnd.Tests.Client;

/// <summary>
/// The <c>openstack</c> CLI (Debian's python3-openstackclient, installed by scripts/test.sh) as users
/// run it: password authentication against the real Keystone, and the image API found in
/// Keystone's catalog, where this class registers the gateway under an unversioned URL as
/// deployments register Glance (the client discovers /v2 from the versions document). The
/// gateway is the one in front of the suite's legacy real Glance 25 (<c>Backend:Identity=Token</c>,
/// <c>ImageStore:Enabled=false</c>): uploads, downloads and member calls go through it to Glance.
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class OpenStackCliTests(KeystoneFixture keystoneFixture, RealGlanceFixture glanceFixture) : IAsyncLifetime
{
    private const string OpenStack = "/usr/bin/openstack";

    private readonly KeystoneServer _keystone = keystoneFixture.Keystone;
    private RealGlanceSuite _suite = null!;
    private KeystoneCatalogEntry _catalog = null!;
    private string _home = null!;

    private GlanceAndGateway Side => _suite.Legacy;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(OpenStack), $"{OpenStack} is missing: scripts/test.sh installs python3-openstackclient (scripts/test-packages.txt)");
        _suite = await glanceFixture.StartAsync(_keystone);
        _catalog = await KeystoneCatalogEntry.RegisterAsync(_keystone, "image", "glance", Side.Gateway.Address.GetLeftPart(UriPartial.Authority));
        _home = Directory.CreateTempSubdirectory("glance-e2e-openstack-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _catalog.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task OpenStackImageCreate_WithFileThroughCatalogGateway_SavedBytesSame()
    {
        var (image, bytes) = await CreateImageAsync();

        var saved = Path.Combine(_home, "saved.bin");
        var (exit, output) = await OpenStackAsync(_keystone.Owner, "image", "save", "--file", saved, image);

        Assert.True(exit == 0, $"image save: exit {exit}: {output}");
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(await File.ReadAllBytesAsync(saved)));
        using var direct = await GlanceApi.GetAsync(Side.Direct, $"/v2/images/{image}", _suite.Tokens.Owner, "application/json");
        var stored = JsonDocument.Parse(await direct.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("active", stored.GetProperty("status").GetString());
        Assert.Equal(bytes.Length, stored.GetProperty("size").GetInt64());
        Assert.Equal("sha512", stored.GetProperty("os_hash_algo").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(bytes)), stored.GetProperty("os_hash_value").GetString());
    }

    [Fact]
    public async Task OpenStackImageRemoveProject_Owner_ExitsZeroAndMemberRemoved()
    {
        var (image, _) = await CreateImageAsync();
        await AddProjectAsync(image);

        var (exit, output) = await OpenStackAsync(_keystone.Owner, "image", "remove", "project", image, _keystone.Member.ProjectId);

        Assert.True(exit == 0, $"image remove project: exit {exit}: {output}");
        Assert.Empty(await MemberListAsync(image));
        var audit = Assert.Single(Side.Gateway.AuditEvents("delete_member"), e => e.Get("ImageId") == image);
        Assert.Equal("allow", audit.Get("Decision"));
        Assert.Equal(204, audit.Number("Status"));
        Assert.Equal(_keystone.Owner.UserId, audit.Get("UserId"));
    }

    [Fact]
    public async Task OpenStackImageRemoveProject_MemberRemovingItself_ExitsOneWith403AndMemberKept()
    {
        var (image, _) = await CreateImageAsync();
        await AddProjectAsync(image);

        var (exit, output) = await OpenStackAsync(_keystone.Member, "image", "remove", "project", image, _keystone.Member.ProjectId);

        Assert.True(exit == 1, $"image remove project by the member: exit {exit}: {output}");
        Assert.Contains("403", output, StringComparison.Ordinal);
        Assert.Contains($"Not allowed to delete members for image {image}.", output, StringComparison.Ordinal);
        Assert.Contains($"{Side.Gateway.Address.GetLeftPart(UriPartial.Authority)}/v2/images/{image}/members/{_keystone.Member.ProjectId}", output, StringComparison.Ordinal);
        Assert.Equal([$"{_keystone.Member.ProjectId}:pending"], await MemberListAsync(image));
        var audit = Assert.Single(Side.Gateway.AuditEvents("delete_member"), e => e.Get("ImageId") == image);
        Assert.Equal("deny", audit.Get("Decision"));
        Assert.Equal(403, audit.Number("Status"));
    }

    // image create --file as the owner: a shared raw image of random bytes.
    private async Task<(string Image, byte[] Bytes)> CreateImageAsync()
    {
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var file = Path.Combine(_home, $"upload-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, bytes);
        var (exit, output) = await OpenStackAsync(_keystone.Owner,
            "image", "create", "--file", file, "--disk-format", "raw", "--container-format", "bare", "--shared", "-f", "json", $"cli-{Guid.NewGuid():N}");
        Assert.True(exit == 0, $"image create --file: exit {exit}: {output}");
        return (JsonDocument.Parse(output).RootElement.GetProperty("id").GetString()!, bytes);
    }

    // image add project as the owner, then image member list shows it pending.
    private async Task AddProjectAsync(string image)
    {
        var (exit, output) = await OpenStackAsync(_keystone.Owner, "image", "add", "project", image, _keystone.Member.ProjectId);
        Assert.True(exit == 0, $"image add project: exit {exit}: {output}");
        Assert.Equal([$"{_keystone.Member.ProjectId}:pending"], await MemberListAsync(image));
    }

    // image member list as the owner: "member:status" per row.
    private async Task<IReadOnlyList<string>> MemberListAsync(string image)
    {
        var (exit, output) = await OpenStackAsync(_keystone.Owner, "image", "member", "list", "-f", "json", image);
        Assert.True(exit == 0, $"image member list: exit {exit}: {output}");
        return JsonDocument.Parse(output).RootElement.EnumerateArray()
            .Select(row => $"{row.GetProperty("Member ID").GetString()}:{row.GetProperty("Status").GetString()}")
            .ToList();
    }

    // One openstack command with password auth (environment variables, as openrc files set
    // them); stdout alone when it succeeds (for -f json), stdout and stderr otherwise.
    private async Task<(int Exit, string Output)> OpenStackAsync(KeystoneAccount account, params string[] arguments)
    {
        var info = new ProcessStartInfo(OpenStack)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("OS_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["HOME"] = _home;
        info.Environment["OS_AUTH_URL"] = _keystone.AuthUrl;
        info.Environment["OS_IDENTITY_API_VERSION"] = "3";
        info.Environment["OS_USERNAME"] = account.User;
        info.Environment["OS_PASSWORD"] = account.Password;
        info.Environment["OS_PROJECT_NAME"] = account.Project;
        info.Environment["OS_USER_DOMAIN_ID"] = "default";
        info.Environment["OS_PROJECT_DOMAIN_ID"] = "default";
        info.Environment["OS_REGION_NAME"] = _keystone.Env["KEYSTONE_REGION"];
        info.Environment["OS_INTERFACE"] = "public";
        info.Environment["OS_IMAGE_API_VERSION"] = "2";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"timed out after 120 s: {await stdout}{await stderr}");
        }

        return process.ExitCode == 0 ? (0, await stdout) : (process.ExitCode, await stdout + await stderr);
    }
}
