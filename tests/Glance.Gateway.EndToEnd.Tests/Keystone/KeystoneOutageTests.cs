using System.Net;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Policy.Errors;
using Glance.Policy.RequestIds;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.Keystone;

/// <summary>
/// The real Keystone stopped under a running gateway, then resumed (same port, keys and tokens),
/// on a Keystone of this collection's own so that no other test sees the outage.
/// </summary>
[Collection(OutageKeystoneGroup.Name)]
public sealed class KeystoneOutageTests(KeystoneFixture fixture)
{
    private readonly KeystoneServer _keystone = fixture.Keystone;

    [Fact]
    public async Task Keystone_StoppedThenResumed_CachedTokensWorkNewToken503ThenWorksWithoutRestart()
    {
        await using var redis = await RedisServer.SharedOrNewAsync();
        await using var gateway = await EndToEndGateway.StartAsync(_keystone, redis);
        var owner = await _keystone.IssueTokenAsync(_keystone.Owner);
        var image = await GlanceApi.CreateImageAsync(gateway.Client, owner, "shared");
        await GlanceApi.AddMemberAsync(gateway.Client, owner, image, _keystone.Member.ProjectId);
        await GlanceApi.AddMemberAsync(gateway.Client, owner, image, _keystone.Stranger.ProjectId);
        // Real, valid, and never seen by the gateway: issued before Keystone goes away.
        var uncached = await _keystone.IssueTokenAsync(_keystone.Member);

        await _keystone.StopAsync();
        try
        {
            // The owner's cached token keeps working, reads and member deletes alike.
            await GlanceApi.ExpectAsync(gateway.Client, HttpMethod.Get, "/v2/images", owner, HttpStatusCode.OK);
            using (var delete = await GlanceApi.DeleteMemberAsync(gateway.Client, owner, image, _keystone.Stranger.ProjectId))
            {
                Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            }

            // The new token cannot be validated: 503 in Glance's format, as keystonemiddleware answers.
            using (var refused = await GlanceApi.GetAsync(gateway.Client, "/v2/images", uncached))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Equal(GlanceErrorBody.Render(503, GlanceErrorWriter.KeystoneUnavailable, GlanceErrorFormat.Plain).Body, await refused.Content.ReadAsStringAsync());
                Assert.Equal("text/plain; charset=UTF-8", refused.Content.Headers.ContentType?.ToString());
                Assert.StartsWith("req-", refused.Headers.GetValues(RequestId.HeaderName).Single(), StringComparison.Ordinal);
            }

            using (var json = await GlanceApi.GetAsync(gateway.Client, "/v2/images", uncached, "application/json"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, json.StatusCode);
                Assert.Equal(GlanceErrorBody.Render(503, GlanceErrorWriter.KeystoneUnavailable, GlanceErrorFormat.Json).Body, await json.Content.ReadAsStringAsync());
            }

            using (var delete = await GlanceApi.DeleteMemberAsync(gateway.Client, uncached, image, _keystone.Member.ProjectId))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, delete.StatusCode);
            }
        }
        finally
        {
            await _keystone.ResumeAsync();
        }

        // Keystone is back: the same gateway validates the new token, and the outage changed nothing.
        await GlanceApi.ExpectAsync(gateway.Client, HttpMethod.Get, "/v2/images", uncached, HttpStatusCode.OK);
        using (var denied = await GlanceApi.DeleteMemberAsync(gateway.Client, uncached, image, _keystone.Member.ProjectId))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        Assert.Equal([_keystone.Member.ProjectId], await GlanceApi.MembersAsync(gateway.Client, owner, image));
    }
}
