using System.Net;
using Glance.Gateway.Resilience.Tests.Load;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.ImageStore.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.Resilience.Tests.Replicas;

/// <summary>
/// PostgreSQL stopped under a gateway hosting its store on it: the member-DELETE pre-check (which
/// reads the store's database in process), forwarded requests and readiness all answer Glance's
/// 503, never a 500; once PostgreSQL is back the same process serves again, and the member the
/// refused DELETE named is still there, then deleted exactly once.
/// </summary>
[Collection(LongRuns.Name)]
public sealed class PostgresOutageGatewayTests
{
    [Fact]
    public async Task PostgresStopped_PreCheckForwardsAndReadiness503InGlancesFormat_ThenRecoverWithoutRestart()
    {
        await using var cluster = await PostgresCluster.StartPrivateAsync();
        await using var redis = await RedisServer.SharedOrNewAsync();
        using var keystone = new KeystoneStub();
        var ids = new Identities();
        keystone.AddStandardTokens(ids);
        var data = Directory.CreateTempSubdirectory("glance-pg-outage-data-").FullName;
        await using var gateway = await ProcessGateway.StartAsync(keystone, redis, new Dictionary<string, string?>
        {
            ["ImageStore:Database:Provider"] = "PostgreSQL",
            ["ImageStore:Database:ConnectionString"] = await cluster.CreateDatabaseAsync(),
            ["ImageStore:DataPath"] = data,
            ["Backend:MetadataCacheSeconds"] = "0", // every decision reads the database
        });
        var image = await GlanceApi.CreateImageAsync(gateway.Client, ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(gateway.Client, ids.Owner, image, Identities.MemberProject);

        await cluster.StopAsync();

        using (var delete = await GlanceApi.DeleteMemberAsync(gateway.Client, ids.Owner, image, Identities.MemberProject))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, delete.StatusCode);
            Assert.Contains("503 Service Unavailable", await delete.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.True(delete.Headers.Contains("X-Openstack-Request-Id"));
        }

        using (var list = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", ids.Owner)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, list.StatusCode);
            Assert.Contains("503 Service Unavailable", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var ready = await gateway.Client.GetAsync(new Uri("/readyz", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        await cluster.StartAgainAsync();

        // Npgsql opens new connections once the server answers: no restart of the gateway.
        HttpStatusCode status = default;
        for (var i = 0; i < 100 && status != HttpStatusCode.OK; i++)
        {
            using var member = await gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{image}/members/{Identities.MemberProject}", ids.Owner));
            status = member.StatusCode;
            Assert.NotEqual(HttpStatusCode.InternalServerError, status);
            Assert.NotEqual(HttpStatusCode.NotFound, status); // the refused DELETE removed nothing
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
        using (var deleted = await GlanceApi.DeleteMemberAsync(gateway.Client, ids.Owner, image, Identities.MemberProject))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var again = await GlanceApi.DeleteMemberAsync(gateway.Client, ids.Owner, image, Identities.MemberProject))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        Assert.DoesNotContain(" 500 ", gateway.AppLog(), StringComparison.Ordinal);
        Assert.DoesNotContain(AuditEvent.ReadAll(gateway.AccessPath), e => e.Number("Status") == 500); // request statuses are in the access log
        Directory.Delete(data, recursive: true);
    }
}
