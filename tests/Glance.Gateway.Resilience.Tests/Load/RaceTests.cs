using System.Net;
using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Glance.Gateway.Resilience.Tests.Load;

/// <summary>Many clients racing to delete the same member through the gateway.</summary>
public sealed class RaceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SameMemberDeletedBy64ConcurrentClients_ExactlyOne204_Rest404_OneAllowedDeleteReachedTheStore()
    {
        await using var fx = await GatewayFixture.StartAsync();
        var image = await GlanceApi.CreateImageAsync(fx.Client, fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(fx.Client, fx.Ids.Owner, image, Identities.MemberProject);
        await GlanceApi.AddMemberAsync(fx.Client, fx.Ids.Owner, image, Identities.OtherMemberProject);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 64 }) { BaseAddress = fx.Gateway.Address };
        (await client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Admin))).Dispose();
        (await client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", fx.Ids.Owner))).Dispose();

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            await start.Task;
            using var response = await GlanceApi.DeleteMemberAsync(client, i % 2 == 0 ? fx.Ids.Owner : fx.Ids.Admin, image, Identities.MemberProject);
            return (int)response.StatusCode;
        })).ToList();
        start.SetResult();
        var statuses = await Task.WhenAll(racers);

        var events = fx.Gateway.AuditEvents("delete_member", "member_path");
        var forwarded = events.Count(e => e.Get("Decision") == "allow");
        Figures.Report(output, "race-64", $"clients=64 204={statuses.Count(s => s == 204)} 404={statuses.Count(s => s == 404)} other={statuses.Count(s => s is not 204 and not 404)} " +
            $"audit-events={events.Count} allow-204={events.Count(e => e.Get("Decision") == "allow" && e.Number("BackendStatus") == 204)} allowed-and-forwarded={forwarded} (store answered 404 to {forwarded - 1}) denied-at-edge={events.Count(e => e.Get("Decision") == "deny")}");
        Assert.Equal(1, statuses.Count(s => s == 204));
        Assert.Equal(63, statuses.Count(s => s == 404));
        Assert.Equal(64, events.Count);
        var allowed = Assert.Single(events, e => e.Get("Decision") == "allow" && e.Number("BackendStatus") == 204);
        Assert.Equal(204, allowed.Number("Status"));
        Assert.All(events.Where(e => e != allowed), e => Assert.Equal(404, e.Number("Status")));
        Assert.False(await GlanceApi.MemberExistsAsync(fx.Client, fx.Ids.Admin, image, Identities.MemberProject));
        Assert.True(await GlanceApi.MemberExistsAsync(fx.Client, fx.Ids.Admin, image, Identities.OtherMemberProject));
    }
}
