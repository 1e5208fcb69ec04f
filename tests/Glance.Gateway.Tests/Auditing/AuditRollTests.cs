using System.Net;
using Glance.Gateway.Tests.Support;

namespace Glance.Gateway.Tests.Auditing;

/// <summary>
/// The audit trail rolls on size instead of falling silent: with Serilog's file sink and no size
/// settings, a full file (1 GB by default) stops every later event until the next day. With
/// <c>rollOnFileSizeLimit</c>, as <c>config/serilog.json</c> sets it, every decision is on record
/// across the rolled files.
/// </summary>
public sealed class AuditRollTests : IAsyncLifetime
{
    private const int Decisions = 40;
    private GatewayFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await GatewayFixture.StartAsync(new Dictionary<string, string?>
    {
        ["Serilog:Audit:WriteTo:0:Args:fileSizeLimitBytes"] = "4096",
        ["Serilog:Audit:WriteTo:0:Args:rollOnFileSizeLimit"] = "true",
    });

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public void ShippedConfig_RollsTheAuditFileOnSize()
    {
        var shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "serilog.json"));

        Assert.Contains("\"rollOnFileSizeLimit\": true", shipped, StringComparison.Ordinal);
        Assert.Contains("\"fileSizeLimitBytes\":", shipped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoreDecisionsThanOneFileHolds_EveryOneIsOnRecordAcrossTheRolledFiles()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, image, Identities.MemberProject);
        var requestIds = new List<string>();
        for (var i = 0; i < Decisions; i++)
        {
            using var response = await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Member, image, Identities.MemberProject);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            requestIds.Add(response.Headers.GetValues(Glance.Policy.RequestIds.RequestId.HeaderName).Single());
        }

        var files = Directory.GetFiles(_fx.Gateway.Root, "audit*.json");
        var recorded = files.SelectMany(AuditEvent.ReadAll).Select(e => e.Get("RequestId")).ToList();

        Assert.True(files.Length > 1, $"expected the audit to roll past 4 KiB, found {files.Length} file(s)");
        Assert.All(requestIds, id => Assert.Single(recorded, r => r == id));
    }
}
