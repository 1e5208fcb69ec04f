using System.Net;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.Resilience.Tests.Deployment;

/// <summary>The published gateway (Release: the Native AOT executable) serves, audits and stops as the systemd unit expects.</summary>
public sealed class PublishedGatewayTests
{
    [Fact]
    public async Task PublishedGateway_DecidesMemberDeletes_Audits_AndStopsCleanlyOnSigterm()
    {
        var executable = await PublishedGateway.ExecutableAsync();
        await using var redis = await RedisServer.SharedOrNewAsync();
        using var keystone = new KeystoneStub();
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        await using var gateway = await ProcessGateway.StartAsync(keystone, redis, executable: executable);

        var image = await GlanceApi.CreateImageAsync(gateway.Client, ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(gateway.Client, ids.Owner, image, Identities.MemberProject);
        using (var stranger = await GlanceApi.DeleteMemberAsync(gateway.Client, ids.Stranger, image, Identities.MemberProject))
        {
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        }

        using (var owner = await GlanceApi.DeleteMemberAsync(gateway.Client, ids.Owner, image, Identities.MemberProject))
        {
            Assert.Equal(HttpStatusCode.NoContent, owner.StatusCode);
        }

        using (var metrics = await gateway.Client.GetAsync(new Uri("/metrics", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            var scraped = await metrics.Content.ReadAsStringAsync();
            Assert.Contains(scraped.Split('\n'), line => line.StartsWith("glance_gateway_edge_decisions_total{", StringComparison.Ordinal) && line.Contains("operation=\"delete_member\"", StringComparison.Ordinal));
        }

        await gateway.Process.StopAsync();
        Assert.Equal(0, gateway.Process.ExitCode);
        var decisions = AuditEvent.ReadAll(gateway.AuditPath).Where(e => e.Get("Operation") == "delete_member").Select(e => (e.Get("Decision"), e.Number("Status"))).ToList();
        Assert.Equal([("deny", 404), ("allow", 204)], decisions);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task PublishedGateway_UnderMemoryDenyWriteExecute_DecidesAndForwards()
    {
        // What the unit's MemoryDenyWriteExecute=yes asks of the process: no memory mapped
        // writable and executable, none made executable later. The kernel's PR_SET_MDWE is that
        // rule, kept across execve; a JIT build dies under it (SIGSEGV at its first JIT'd method).
        var executable = await PublishedGateway.ExecutableAsync();
        var folder = Directory.CreateTempSubdirectory("glance-gateway-mdwe-").FullName;
        var wrapper = Path.Combine(folder, "Glance.Gateway");
        await File.WriteAllTextAsync(wrapper, $$"""
            #!/usr/bin/python3
            import ctypes, os, sys
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(65, 1, 0, 0, 0) != 0 or libc.prctl(66, 0, 0, 0, 0) != 1:  # PR_SET_MDWE / PR_GET_MDWE, REFUSE_EXEC_GAIN
                sys.exit("PR_SET_MDWE refused: errno %d" % ctypes.get_errno())
            os.execv("{{executable}}", ["{{executable}}"])
            """);
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        try
        {
            await using var redis = await RedisServer.SharedOrNewAsync();
            using var keystone = new KeystoneStub();
            var ids = new Identities();
            keystone.AddStandardTokens(ids);
            await using var gateway = await ProcessGateway.StartAsync(keystone, redis, executable: wrapper);

            var image = await GlanceApi.CreateImageAsync(gateway.Client, ids.Owner, "shared");
            await GlanceApi.AddMemberAsync(gateway.Client, ids.Owner, image, Identities.MemberProject);
            using (var owner = await GlanceApi.DeleteMemberAsync(gateway.Client, ids.Owner, image, Identities.MemberProject))
            {
                Assert.Equal(HttpStatusCode.NoContent, owner.StatusCode);
            }

            await gateway.Process.StopAsync();
            Assert.Equal(0, gateway.Process.ExitCode);
            Assert.Equal([("allow", 204)], AuditEvent.ReadAll(gateway.AuditPath).Where(e => e.Get("Operation") == "delete_member").Select(e => (e.Get("Decision"), e.Number("Status"))).ToList());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
