using System.Net;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.Resilience.Tests.Deployment;

/// <summary>The published gateway (Release, its own executable) serves, audits and stops as the systemd unit expects.</summary>
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
            Assert.Contains("glance_gateway_member_decisions_total", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await gateway.Process.StopAsync();
        Assert.Equal(0, gateway.Process.ExitCode);
        var decisions = AuditEvent.ReadAll(gateway.AuditPath).Select(e => (e.Get("Decision"), e.Number("Status"))).ToList();
        Assert.Equal([("deny", 404), ("allow", 204)], decisions);
    }
}
