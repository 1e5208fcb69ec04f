using System.Net;
using Glance.Gateway.Tests.Support;

namespace Glance.Gateway.Tests.EdgePolicy;

/// <summary>
/// With the store hosted, the pre-check reads the image and membership in process through the
/// store's own reader: a decision sends no metadata request to the store over HTTP (the store's
/// request log shows none), where a gateway fronting the store as its own process would.
/// </summary>
[Trait("Host", "Any")]
public sealed class InProcessFactsTests : IAsyncLifetime
{
    private GatewayFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await GatewayFixture.StartAsync(new Dictionary<string, string?>
    {
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
    });

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Trait("Host", "InProcess")]
    [Fact]
    public async Task HostedStore_MemberDeleteDecision_ReadsNoMetadataOverHttp()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, image, Identities.MemberProject);

        using var denied = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Stranger, image, Identities.MemberProject);
        using var allowed = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Owner, image, Identities.MemberProject);

        Assert.Equal(HttpStatusCode.NotFound, denied.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        var store = _fx.Gateway.StoreAddress!.ToString().TrimEnd('/');
        var log = _fx.Gateway.AppLog();
        // The store logs every request it serves; a metadata read would come with the store's own
        // address as its Host (forwarded requests carry the gateway's).
        Assert.Contains($"Request starting HTTP/1.1 POST {store}/v2/images", log.Replace(_fx.Gateway.Address.ToString().TrimEnd('/'), store, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain($"GET {store}/v2/images/{image}", log, StringComparison.Ordinal);
    }
}
