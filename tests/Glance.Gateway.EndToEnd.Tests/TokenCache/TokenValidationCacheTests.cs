using System.Net;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.TokenCache;

/// <summary>
/// A real Keystone token is validated once and then served from the cache: Keystone's own request
/// log counts the validations (<c>GET /v3/auth/tokens</c>), the audit says where each member-DELETE
/// decision's identity came from (miss, L1, L2).
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class TokenValidationCacheTests(KeystoneFixture fixture) : IAsyncLifetime
{
    private readonly KeystoneServer _keystone = fixture.Keystone;
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.SharedOrNewAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Token_ManyRequestsThroughOneGateway_ValidatedByKeystoneOnce()
    {
        await using var gateway = await EndToEndGateway.StartAsync(_keystone, _redis);
        var image = await SharedImageAsync(gateway);
        var member = await _keystone.IssueTokenAsync(_keystone.Member);
        var before = await _keystone.ValidationCountAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var delete = await GlanceApi.DeleteMemberAsync(gateway.Client, member, image, _keystone.Member.ProjectId);
            using var list = await GlanceApi.GetAsync(gateway.Client, "/v2/images", member);
            using var show = await GlanceApi.GetAsync(gateway.Client, $"/v2/images/{image}", member);
            statuses.AddRange([delete.StatusCode, list.StatusCode, show.StatusCode]);
        }

        Assert.Equal(Enumerable.Repeat(new[] { HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.OK }, 10).SelectMany(s => s), statuses);
        Assert.Equal(before + 1, await _keystone.ValidationCountAsync());
        var cache = gateway.AuditEvents("delete_member").Where(e => e.Get("UserId") == _keystone.Member.UserId).Select(e => e.Get("TokenCache")).ToList();
        Assert.Equal(["miss", .. Enumerable.Repeat("L1", 9)], cache);
    }

    [Fact]
    public async Task Token_ConcurrentFirstRequests_ValidatedByKeystoneOnce()
    {
        await using var gateway = await EndToEndGateway.StartAsync(_keystone, _redis);
        await SharedImageAsync(gateway);
        var member = await _keystone.IssueTokenAsync(_keystone.Member);
        var before = await _keystone.ValidationCountAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            using var response = await GlanceApi.GetAsync(gateway.Client, "/v2/images", member);
            return response.StatusCode;
        }));

        Assert.All(responses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(before + 1, await _keystone.ValidationCountAsync());
    }

    [Fact]
    public async Task Token_ValidatedThroughReplicaOne_IsL2HitOnReplicaTwoWithoutKeystone()
    {
        var shared = new Dictionary<string, string?> { ["Keystone:CacheKeyPrefix"] = $"glance-e2e-replicas-{Guid.NewGuid():N}:" };
        await using var one = await EndToEndGateway.StartAsync(_keystone, _redis, shared);
        // Replica two hosts no store: both replicas forward to replica one's store, as two
        // gateway processes in front of one Glance would.
        var two = await EndToEndGateway.StartAsync(_keystone, _redis,
            new Dictionary<string, string?>(shared) { ["ImageStore:Enabled"] = "false" },
            GatewayHost.RoutesToward(one.StoreAddress!.ToString()));
        await using (two)
        {
            var image = await SharedImageAsync(one);
            var member = await _keystone.IssueTokenAsync(_keystone.Member);
            var before = await _keystone.ValidationCountAsync();

            using var first = await GlanceApi.DeleteMemberAsync(one.Client, member, image, _keystone.Member.ProjectId);
            Assert.Equal(before + 1, await _keystone.ValidationCountAsync());
            using var second = await GlanceApi.DeleteMemberAsync(two.Client, member, image, _keystone.Member.ProjectId);
            using var list = await GlanceApi.GetAsync(two.Client, "/v2/images", member);
            using var show = await GlanceApi.GetAsync(two.Client, $"/v2/images/{image}", member);

            Assert.Equal(HttpStatusCode.Forbidden, first.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Equal(HttpStatusCode.OK, show.StatusCode);
            Assert.Equal(before + 1, await _keystone.ValidationCountAsync());
            Assert.Equal("miss", Assert.Single(one.AuditEvents("delete_member"), e => e.Get("UserId") == _keystone.Member.UserId).Get("TokenCache"));
            Assert.Equal("L2", Assert.Single(two.AuditEvents("delete_member"), e => e.Get("UserId") == _keystone.Member.UserId).Get("TokenCache"));
        }
    }

    // A shared image of the owner with the member project as a member (owner's token validated here).
    private async Task<string> SharedImageAsync(GatewayHost gateway)
    {
        var owner = await _keystone.IssueTokenAsync(_keystone.Owner);
        var image = await GlanceApi.CreateImageAsync(gateway.Client, owner, "shared");
        await GlanceApi.AddMemberAsync(gateway.Client, owner, image, _keystone.Member.ProjectId);
        return image;
    }
}
