using System.Net;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Members;

namespace Glance.Gateway.Tests.Policy;

/// <summary>
/// The operator's policy file through the real gateway: its rules replace Glance's defaults for
/// the pre-check and the hosted store alike, an edit is applied while the gateway runs, and a
/// broken edit is refused with one log line while the last good rules keep deciding.
/// </summary>
[Trait("Host", "Any")]
public sealed class PolicyFileTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("glance-policy-").FullName;
    private GatewayFixture _fx = null!;

    private string PolicyPath => Path.Combine(_folder, "policy.yaml");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(PolicyPath, "# only admins may read members\nget_member: \"role:admin\"\n");
        _fx = await GatewayFixture.StartAsync(new Dictionary<string, string?> { ["Policy:File"] = PolicyPath });
    }

    public async Task DisposeAsync()
    {
        await _fx.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task OperatorFile_GetMemberForAdminsOnly_OwnerRefused403AdminAllowed()
    {
        var image = await SharedImageAsync();

        using var owner = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Owner, image, Identities.MemberProject);
        await PolicyModeTests.AssertDeniedAsync(_fx, owner, 403, "You are not authorized to complete get_member action.", MemberDeleteRule.PolicyRefused, "get_member", "legacy");
        Assert.True(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, image, Identities.MemberProject));

        using var admin = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Admin, image, Identities.MemberProject);
        Assert.Equal(HttpStatusCode.NoContent, admin.StatusCode);
        Assert.False(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, image, Identities.MemberProject));
    }

    [Fact]
    public async Task OperatorFile_EditedWhileRunning_AppliedThenBrokenEditRefusedAndLastGoodKept()
    {
        var image = await SharedImageAsync();

        await File.WriteAllTextAsync(PolicyPath, "get_member: \"\"\ndelete_member: \"role:admin\"\n");
        var applied = await EventuallyAsync(async () =>
        {
            using var attempt = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Owner, image, Identities.MemberProject);
            return await attempt.Content.ReadAsStringAsync();
        }, body => body.Contains("delete_member action", StringComparison.Ordinal));
        Assert.True(applied, "the edited policy file was not applied within 15 s");
        Assert.True(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, image, Identities.MemberProject));

        await File.WriteAllTextAsync(PolicyPath, "delete_member: [\"role:admin\"\nget_member: {unclosed\n");
        var refused = await EventuallyAsync(() => Task.FromResult(_fx.Gateway.AppLog()), log => log.Contains("refused, the last good rules keep deciding", StringComparison.Ordinal));
        Assert.True(refused, "the broken edit was not reported within 15 s");

        using var owner = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Owner, image, Identities.MemberProject);
        await PolicyModeTests.AssertDeniedAsync(_fx, owner, 403, "You are not authorized to complete delete_member action.", MemberDeleteRule.PolicyRefused, "delete_member", "legacy");
        Assert.True(await GlanceApi.MemberExistsAsync(_fx.Client, _fx.Ids.Admin, image, Identities.MemberProject));
        using var admin = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Admin, image, Identities.MemberProject);
        Assert.Equal(HttpStatusCode.NoContent, admin.StatusCode);
    }

    private async Task<string> SharedImageAsync()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, image, Identities.MemberProject);
        return image;
    }

    // Bounded wait for the file watcher: up to 15 s in 100 ms steps.
    private static async Task<bool> EventuallyAsync(Func<Task<string>> read, Func<string, bool> done)
    {
        for (var i = 0; i < 150; i++)
        {
            if (done(await read()))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
