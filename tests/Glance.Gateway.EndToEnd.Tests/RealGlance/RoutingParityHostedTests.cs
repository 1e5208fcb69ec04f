using System.Net;
using System.Reflection;
using System.Text.Json;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// The gateway that hosts its own image store (the default settings: <c>Backend:Identity=Headers</c>,
/// <c>ImageStore:Enabled=true</c>) in front of the suite's real Keystone, started once for
/// <see cref="RoutingParityHostedTests"/> on first use and stopped after its last test.
/// </summary>
public sealed class HostedStoreGatewayFixture : IAsyncLifetime
{
    private readonly Lock _gate = new();
    private Task<(RedisServer Redis, GatewayHost Gateway)>? _started;

    /// <summary>The running gateway, started now if this is the first call.</summary>
    public async Task<GatewayHost> StartAsync(KeystoneServer keystone)
    {
        ArgumentNullException.ThrowIfNull(keystone);
        Task<(RedisServer Redis, GatewayHost Gateway)> started;
        lock (_gate)
        {
            started = _started ??= StartNewAsync(keystone);
        }

        return (await started).Gateway;
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_started is { IsCompletedSuccessfully: true })
        {
            var (redis, gateway) = await _started;
            await gateway.DisposeAsync();
            await redis.DisposeAsync();
        }
    }

    private static async Task<(RedisServer Redis, GatewayHost Gateway)> StartNewAsync(KeystoneServer keystone)
    {
        var redis = await RedisServer.SharedOrNewAsync();
        try
        {
            return (redis, await EndToEndGateway.StartAsync(keystone, redis));
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }
}

/// <summary>
/// CONFORMANCE.md section 6 (routing) for the hosted store: the very rows of
/// <see cref="RoutingParityTests"/> (read from its <c>[InlineData]</c>, so the two cannot drift),
/// each written raw on a TCP connection once to the real Glance 25.1 in legacy mode and once to a
/// gateway that hosts its own store (<see cref="HostedStoreGatewayFixture"/>: default settings,
/// <c>Backend:Identity=Headers</c>, <c>ImageStore:Enabled=true</c>) in front of the same real
/// Keystone, with the same real tokens.
///
/// Each side gets its own fixture image made through its own API: Glance's directly against
/// Glance, the gateway's through the gateway (its store): shared, owned by the owner project, the
/// member project accepted and the admin's project pending. Compared exactly as
/// <see cref="RoutingParityTests"/> compares: status, Content-Type, Allow, WWW-Authenticate,
/// Location (each side's own address read as <c>{base}</c>), whether a request id was sent
/// (except on a 401, where the gateway must send one and keystonemiddleware sends none), the body,
/// and what each side did: read afterwards as the owner through that side's own API, the member
/// removed (<see cref="GlanceDoes.RemovesMember"/>) or nothing changed at all, byte for byte.
///
/// The only exemption is the seed's: <c>DELETE /v2/images//members/{m}</c> is 405 at the gateway
/// where Glance answers 404 (<see cref="MemberDelete_BlankImageIdRaw_GatewaySeed405WhereGlance404"/>).
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class RoutingParityHostedTests(KeystoneFixture keystoneFixture, RealGlanceFixture glanceFixture, HostedStoreGatewayFixture hostedFixture)
    : IAsyncLifetime, IClassFixture<HostedStoreGatewayFixture>
{
    private const string NoRoute = "The resource could not be found.";

    // The theories of RoutingParityTests whose rows this class sends again (every one of them:
    // RowGroups_EveryRoutingParityTheory_IsSentToTheHostedStore checks).
    private static readonly string[] Groups =
    [
        nameof(RoutingParityTests.Options_AnyPathWithOrWithoutToken_SameAnswerAsGlance),
        nameof(RoutingParityTests.VersionPrefix_EveryForm_SameAnswerAsGlance),
        nameof(RoutingParityTests.VersionsDocument_RootAndVersionsPaths_SameAnswerAsGlance),
        nameof(RoutingParityTests.VersionMediaType_InAccept_SameAnswerAsGlance),
        nameof(RoutingParityTests.SlashRuns_AnyPosition_SameAnswerAsGlance),
        nameof(RoutingParityTests.PercentEncoding_InIds_SameAnswerAsGlance),
        nameof(RoutingParityTests.DotSegments_LiteralNotResolved_SameAnswerAsGlance),
        nameof(RoutingParityTests.NoRoute_TrailingSlashEmptyMemberOrExtraSegment_SameAnswerAsGlance),
        nameof(RoutingParityTests.Literals_CaseAndQueryString_SameAnswerAsGlance),
        nameof(RoutingParityTests.Methods_NotTakenByResource_SameAnswerAsGlance),
        nameof(RoutingParityTests.OtherCallers_RoutedShapes_SameDecisionAsGlance),
    ];

    private readonly KeystoneServer _keystone = keystoneFixture.Keystone;
    private RealGlanceSuite _suite = null!;
    private ParityScenario _scenario = null!;
    private RoutingParityCheck _check = null!;
    private GatewayHost _gateway = null!;

    private string MemberProject => _keystone.Member.ProjectId;

    private HttpClient GlanceDirect => _suite.Legacy.Direct;

    private Uri GlanceBase => new(_suite.Legacy.Glance.Url);

    public async Task InitializeAsync()
    {
        _suite = await glanceFixture.StartAsync(_keystone);
        _scenario = new ParityScenario(_suite);
        _check = new RoutingParityCheck(_suite, _scenario, MemberProject);
        _gateway = await hostedFixture.StartAsync(_keystone);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The rows of one theory of <see cref="RoutingParityTests"/>, as its <c>[InlineData]</c> gives them.</summary>
    public static IEnumerable<object?[]> Rows(string group)
    {
        var theory = typeof(RoutingParityTests).GetMethod(group) ?? throw new ArgumentOutOfRangeException(nameof(group), group, null);
        return theory.GetCustomAttributes<InlineDataAttribute>().SelectMany(row => row.GetData(theory)).ToList();
    }

    // Every theory of RoutingParityTests is one of this class's groups, and none is empty: a
    // theory added there is sent to the hosted store too, or this fails.
    [Fact]
    public void RowGroups_EveryRoutingParityTheory_IsSentToTheHostedStore()
    {
        var theories = typeof(RoutingParityTests).GetMethods()
            .Where(m => m.GetCustomAttributes<InlineDataAttribute>().Any())
            .Select(m => m.Name)
            .Order(StringComparer.Ordinal);
        Assert.Equal(theories, Groups.Order(StringComparer.Ordinal));
        Assert.All(Groups, group => Assert.NotEmpty(Rows(group)));
    }

    [Theory]
    [MemberData(nameof(Rows), nameof(RoutingParityTests.Options_AnyPathWithOrWithoutToken_SameAnswerAsGlance))]
    public Task Options_AnyPathWithOrWithoutToken_HostedSameAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    [Theory]
    [MemberData(nameof(Rows), nameof(RoutingParityTests.VersionPrefix_EveryForm_SameAnswerAsGlance))]
    public Task VersionPrefix_EveryForm_HostedSameAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    [Theory]
    [MemberData(nameof(Rows), nameof(RoutingParityTests.VersionsDocument_RootAndVersionsPaths_SameAnswerAsGlance))]
    public Task VersionsDocument_RootAndVersionsPaths_HostedSameAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    [Theory]
    [MemberData(nameof(Rows), nameof(RoutingParityTests.VersionMediaType_InAccept_SameAnswerAsGlance))]
    public Task VersionMediaType_InAccept_HostedSameAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    [Theory]
    [MemberData(nameof(Rows), nameof(RoutingParityTests.SlashRuns_AnyPosition_SameAnswerAsGlance))]
    public Task SlashRuns_AnyPosition_HostedSameAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    [Theory]
    [MemberData(nameof(Rows), nameof(RoutingParityTests.PercentEncoding_InIds_SameAnswerAsGlance))]
    public Task PercentEncoding_InIds_HostedSameAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    [Theory]
    [MemberData(nameof(Rows), nameof(RoutingParityTests.DotSegments_LiteralNotResolved_SameAnswerAsGlance))]
    public Task DotSegments_LiteralNotResolved_HostedSameAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    [Theory]
    [MemberData(nameof(Rows), nameof(RoutingParityTests.NoRoute_TrailingSlashEmptyMemberOrExtraSegment_SameAnswerAsGlance))]
    public Task NoRoute_TrailingSlashEmptyMemberOrExtraSegment_HostedSameAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    [Theory]
    [MemberData(nameof(Rows), nameof(RoutingParityTests.Literals_CaseAndQueryString_SameAnswerAsGlance))]
    public Task Literals_CaseAndQueryString_HostedSameAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    [Theory]
    [MemberData(nameof(Rows), nameof(RoutingParityTests.Methods_NotTakenByResource_SameAnswerAsGlance))]
    public Task Methods_NotTakenByResource_HostedSameAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    [Theory]
    [MemberData(nameof(Rows), nameof(RoutingParityTests.OtherCallers_RoutedShapes_SameDecisionAsGlance))]
    public Task OtherCallers_RoutedShapes_HostedSameDecisionAsGlance(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        AssertSameAsGlanceAsync(method, target, who, accept, status, does);

    // Exempt, documented deviation (CONFORMANCE.md rule 2, seed), as in RoutingParityTests: DELETE
    // with a blank image id is 405 at the gateway; Glance's router collapses the '//' and answers
    // 404 (no route). Nothing changes on either side.
    [Fact]
    public async Task MemberDelete_BlankImageIdRaw_GatewaySeed405WhereGlance404()
    {
        var glanceImage = await _scenario.CreateFixtureImageAsync(GlanceDirect, "shared-accepted");
        var gatewayImage = await _scenario.CreateFixtureImageAsync(_gateway.Client, "shared-accepted");
        var glanceBefore = await _check.SnapshotAsync(GlanceDirect, glanceImage);
        var gatewayBefore = await _check.SnapshotAsync(_gateway.Client, gatewayImage);

        var glance = await _check.SendAsync(GlanceBase, "DELETE", "/v2/images//members/{member}", "owner", "text/plain", glanceImage);
        var gateway = await _check.SendAsync(_gateway.Address, "DELETE", "/v2/images//members/{member}", "owner", "text/plain", gatewayImage);

        Assert.Equal(404, glance.Status);
        Assert.Equal($"404 Not Found\n\n{NoRoute}\n\n   ", glance.Body);
        Assert.Equal(405, gateway.Status);
        Assert.StartsWith("req-", gateway.Header("X-Openstack-Request-Id") ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(glanceBefore, await _check.SnapshotAsync(GlanceDirect, glanceImage));
        Assert.Equal(gatewayBefore, await _check.SnapshotAsync(_gateway.Client, gatewayImage));
    }

    private Task AssertSameAsGlanceAsync(string method, string target, string who, string? accept, int status, GlanceDoes does) =>
        _check.AssertSameAsGlanceAsync(GlanceDirect, GlanceBase, _gateway.Client, _gateway.Address, method, target, who, accept, status, does);
}
