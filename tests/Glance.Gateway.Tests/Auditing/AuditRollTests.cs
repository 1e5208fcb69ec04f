using System.Net;
using Glance.Gateway.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Glance.Gateway.Tests.Auditing;

/// <summary>
/// The audit trail rolls on size instead of falling silent: with Serilog's file sink and no size
/// settings, a full file (1 GB by default) stops every later event until the next day. With
/// <c>rollOnFileSizeLimit</c>, as <c>config/serilog.json</c> sets it, every decision is on record
/// across the rolled files, behind the shipped queue too: the gateway is stopped before the files
/// are read, and stopping drains the queue.
/// </summary>
[Trait("Host", "Any")]
public sealed class AuditRollTests : IAsyncLifetime
{
    private const int Decisions = 40;
    private GatewayFixture _fx = null!;
    private string _rolled = null!;

    public async Task InitializeAsync()
    {
        var root = Directory.CreateTempSubdirectory("glance-audit-roll-").FullName;
        _rolled = Path.Combine(root, "audit.json");
        _fx = await GatewayFixture.StartAsync(GatewayHost.QueuedSink("Serilog:Audit", _rolled, bufferSize: 16, fileSizeLimitBytes: 4096));
    }

    public async Task DisposeAsync()
    {
        await _fx.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_rolled)!, recursive: true);
    }

    [Fact]
    public void ShippedConfig_RollsTheAuditFileOnSize_BehindABoundedBlockingQueue()
    {
        var shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "config", "serilog.json")).Build();
        var queue = shipped.GetSection("Serilog:Audit:WriteTo:0");
        var file = queue.GetSection("Args:configure:0");

        Assert.Equal("Async", queue["Name"]);
        Assert.True(queue.GetValue<bool>("Args:blockWhenFull"));
        Assert.InRange(queue.GetValue<int>("Args:bufferSize"), 1, 100_000);
        Assert.Equal("File", file["Name"]);
        Assert.True(file.GetValue<bool>("Args:rollOnFileSizeLimit"));
        Assert.Equal(104_857_600, file.GetValue<long>("Args:fileSizeLimitBytes"));
        Assert.Equal(1000, file.GetValue<int>("Args:retainedFileCountLimit"));
        Assert.Equal(GatewayHost.AuditFormatter, file["Args:formatter"]);
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

        await _fx.Gateway.StopAsync();
        var files = Directory.GetFiles(Path.GetDirectoryName(_rolled)!, "audit*.json");
        var recorded = files.SelectMany(AuditEvent.ReadAll).Where(e => e.Get("Operation") == "delete_member").Select(e => e.Get("RequestId")).ToList();

        Assert.True(files.Length > 1, $"expected the audit to roll past 4 KiB, found {files.Length} file(s)");
        Assert.Equal(Decisions, recorded.Count);
        Assert.All(requestIds, id => Assert.Single(recorded, r => r == id));
    }
}
