using System.Reflection;
using System.Text.Json;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Gateway.Tests.Telemetry;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// Every operation the edge decides (<c>Glance.Policy.Operations.EdgeOperations</c>: get_images,
/// get_image, delete_image, deactivate, reactivate, download_image, upload_image, add_image_tag,
/// delete_image_tag, get_members, get_member, add_member, modify_member, delete_member,
/// modify_image, add_image, import_image, stage_image, delete_from_store, the tasks, get_task_info,
/// stores_info_detail, the cache, list_metadef_resource_types), compared with a real Glance 25.1
/// behind the real Keystone, in legacy and in secure RBAC mode, each in its default mode (the
/// Shadow ones forwarded, their prediction checked in the audit event):
/// <list type="bullet">
/// <item>fronting (<c>*_CallerAndImage_SameAnswerAsGlance</c>): the gateway in front of Glance
/// against Glance itself, each with its own fixture image made through Glance;</item>
/// <item>hosted (<see cref="Hosted_LegacyRow_SameAnswerAsGlance"/>, <see cref="Hosted_SecureRow_SameAnswerAsGlance"/>):
/// the gateway hosting its own store against Glance, in legacy mode (the hosted store's default)
/// and in secure RBAC, each fixture image made through that side's own API, the same rows;</item>
/// <item>shadow (<c>Shadow_*</c>): a gateway whose policy differs from its Glance's (another
/// policy file; secure RBAC in front of legacy Glance), the operations in <c>Shadow</c> mode:
/// Glance's answers, each disagreement audited and counted once, agreements not.</item>
/// </list>
/// Callers: admin, owner, member (of a shared image: pending, accepted or rejected), stranger,
/// reader (reader role only, owner project), system-admin (system scope), none (no token). The
/// rows are those where the rules differ; each names the status Glance answers, checked so that a
/// fixture gone wrong cannot pass, and the edge's decision (allow, deny, none), checked in its
/// audit event, so that an edge that lets through what Glance then refuses cannot pass either. Compared: status, Content-Type, Allow, WWW-Authenticate, body
/// (image id and times read alike), the gateway's request id, and the image and its members
/// afterwards, read by the admin through each side's own API.
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class EdgeOperationsParityTests(
    KeystoneFixture keystoneFixture, RealGlanceFixture glanceFixture, HostedStoreGatewayFixture hostedFixture, SecureHostedStoreGatewayFixture secureHostedFixture)
    : IAsyncLifetime, IClassFixture<HostedStoreGatewayFixture>, IClassFixture<SecureHostedStoreGatewayFixture>
{
    private readonly KeystoneServer _keystone = keystoneFixture.Keystone;
    private RealGlanceSuite _suite = null!;
    private ParityScenario _scenario = null!;
    private EdgeOperationsCheck _check = null!;

    public async Task InitializeAsync()
    {
        _suite = await glanceFixture.StartAsync(_keystone);
        _scenario = new ParityScenario(_suite);
        _check = new EdgeOperationsCheck(_suite, _scenario);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Every row of the fronting theories in <paramref name="mode"/>, with its operation (for the hosted store).</summary>
    public static IEnumerable<object?[]> HostedRows(GlanceRbac mode)
    {
        foreach (var theory in typeof(EdgeOperationsParityTests).GetMethods().Where(m => m.Name.EndsWith("_CallerAndImage_SameAnswerAsGlance", StringComparison.Ordinal)))
        {
            var op = OperationOf(theory.Name);
            foreach (var row in theory.GetCustomAttributes<InlineDataAttribute>().SelectMany(a => a.GetData(theory)))
            {
                // The listing of the hosted store holds other images than Glance's: compared by ImageListParityHostedTests;
                // its task list other tasks; its metadefs are loaded (the suite's Glance has none:
                // compared by MetadefsParityTests, with Glance's loaded). A listing's refusal is compared.
                var listed = op is "get_images" or "get_tasks" or "list_metadef_resource_types" && (int)row[3]! == 200;
                if ((GlanceRbac)row[0]! == mode && !listed)
                {
                    yield return [op, row[1], row[2], row[3], row[4]];
                }
            }
        }
    }

    // The metadef operations decided at the edge without rows here or in EdgeMetadefParityTests: none.
    private static readonly string[] MetadefOperationsWithoutRows = [];

    // Every registered operation has its theory here or in EdgeMetadefParityTests.
    [Fact]
    public void Theories_EveryRegisteredOperation_HasRowsInBothModes()
    {
        var theories = typeof(EdgeOperationsParityTests).GetMethods().Concat(typeof(EdgeMetadefParityTests).GetMethods())
            .Where(m => m.Name.EndsWith("_CallerAndImage_SameAnswerAsGlance", StringComparison.Ordinal))
            .ToDictionary(m => OperationOf(m.Name), m => m.GetCustomAttributes<InlineDataAttribute>().SelectMany(a => a.GetData(m)).ToList());
        Assert.Equal(
            Glance.Policy.Operations.EdgeOperations.All.Select(op => op.Name).Except(MetadefOperationsWithoutRows).Order(StringComparer.Ordinal),
            theories.Keys.Order(StringComparer.Ordinal));
        Assert.All(theories.Values, rows =>
        {
            Assert.Contains(rows, r => (GlanceRbac)r[0]! == GlanceRbac.Legacy);
            Assert.Contains(rows, r => (GlanceRbac)r[0]! == GlanceRbac.Secure);
            Assert.Contains(rows, r => (string)r[1]! == "none");
        });
    }

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "none", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "none", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "none", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "none", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "none", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "none", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "none", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "none", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "none", 401, "none")]
    public Task GetImages_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_images", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-pending", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-rejected", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "community", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "member", "shared-pending", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-rejected", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "community", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task GetImage_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_image", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "public", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "shared-protected", 403, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "public", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "shared-protected", 403, "allow")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task DeleteImage_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "delete_image", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "public+data", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private+data", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private+data", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted+data", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public+data", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private+data", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private+data", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "public+data", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private+data", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private+data", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted+data", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public+data", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private+data", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private+data", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "allow")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task Deactivate_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "deactivate", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "shared-deactivated", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "shared-deactivated", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-deactivated", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "shared-deactivated", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "shared-deactivated", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "shared-deactivated", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "shared-deactivated", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "shared-deactivated", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "shared-deactivated", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-deactivated", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "shared-deactivated", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "shared-deactivated", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "shared-deactivated", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "shared-deactivated", 401, "none")]
    public Task Reactivate_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "reactivate", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private+data", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted+data", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public+data", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private+data", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private+data", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "public+data", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-deactivated", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "owner", "shared-deactivated", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "admin", "shared-deactivated", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "private+data", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private+data", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted+data", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "public+data", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "private+data", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private+data", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "public+data", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-deactivated", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "shared-deactivated", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "shared-deactivated", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "none", "private+data", 401, "none")]
    public Task DownloadImage_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "download_image", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private+data", 409, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "private+data", 409, "allow")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task UploadImage_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "upload_image", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "public", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "public", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task AddImageTag_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "add_image_tag", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private+tag", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "public+tag", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted+tag", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public+tag", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private+tag", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private+tag", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 404, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "private+tag", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private+tag", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "public+tag", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted+tag", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public+tag", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private+tag", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private+tag", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 404, "allow")]
    [InlineData(GlanceRbac.Secure, "none", "private+tag", 401, "none")]
    public Task DeleteImageTag_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "delete_image_tag", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-pending", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-rejected", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "owner", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "shared-accepted", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-pending", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-rejected", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "shared-accepted", 401, "none")]
    public Task GetMembers_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_members", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-pending", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-rejected", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "shared-accepted", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-pending", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-rejected", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "shared-accepted", 401, "none")]
    public Task GetMember_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_member", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "owner", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "shared-accepted", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "shared-accepted", 401, "none")]
    public Task AddMember_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "add_member", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "member", "shared-pending", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-rejected", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "admin", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "shared-pending", 401, "none")]
    [InlineData(GlanceRbac.Secure, "member", "shared-pending", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-rejected", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "shared-pending", 401, "none")]
    public Task ModifyMember_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "modify_member", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "shared-accepted", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "shared-accepted", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "shared-accepted", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "shared-accepted", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "shared-accepted", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "shared-accepted", 401, "none")]
    public Task DeleteMember_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "delete_member", who, kind, status, edge);

    // kind>variant: the fixture image, then the patch (name, public: visibility, owner: to the stranger's
    // project, wrong-type: the name change as application/json).
    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private>name", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private>public", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private>public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted>name", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public>name", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private>name", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private>name", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private>name", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private>owner", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "owner", "private>wrong-type", 415, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private>name", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private>name", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private>public", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private>public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted>name", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public>name", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private>name", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private>name", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private>name", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "private>owner", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "private>wrong-type", 415, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private>name", 401, "none")]
    public Task ModifyImage_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "modify_image", who, kind, status, edge);

    // No fixture image (none); the variant is the body (plain, other-owner: the stranger's project, public).
    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "none>plain", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "none>other-owner", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "admin", "none>other-owner", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "none>public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "admin", "none>public", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "none>plain", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "none>plain", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "none>plain", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "none>plain", 201, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "none>other-owner", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "none>other-owner", 201, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "none>public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "none>public", 201, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "none>plain", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "none>plain", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "none>plain", 401, "none")]
    public Task AddImage_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "add_image", who, kind, status, edge);

    // Shadow by default: forwarded, Glance's answer; the edge's prediction agrees (400: all_stores_must_succeed
    // without enabled_backends, after the rules).
    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 400, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 400, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 400, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 400, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 400, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 400, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task ImportImage_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "import_image", who, kind, status, edge);

    // Shadow by default.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task StageImage_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "stage_image", who, kind, status, edge);

    // Shadow by default: the test Glance has no enabled_backends, so it answers a bare 404 before any rule; the
    // edge, assuming the store enabled, predicts the rules' 403 where they refuse (secure: delete_image_location
    // is admin only, the owner refused too): a disagreement, audited.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 404, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 404, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted", 404, "deny+disagree")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 404, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 404, "deny+disagree")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 404, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted", 404, "deny+disagree")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 404, "deny+disagree")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task DeleteFromStore_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "delete_from_store", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "none", 400, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "none", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "none", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "none", 400, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "none", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "none", 400, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "none", 401, "none")]
    public Task AddTask_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "add_task", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "none", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "none", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "none", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "none", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "none", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "none", 401, "none")]
    public Task GetTasks_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_tasks", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "none", 404, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "none", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "none", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "none", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "none", 404, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "none", 401, "none")]
    public Task GetTask_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_task", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "none", 405, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "none", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "none", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "none", 405, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "none", 401, "none")]
    public Task DeleteTask_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "delete_task", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "member", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "shared-accepted", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "member", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task GetTaskInfo_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_task_info", who, kind, status, edge);

    // Shadow by default: the test Glance has no enabled_backends (404 before the rule); the edge, assuming
    // multiple backends, predicts the rule's 403 for a caller who is not admin: a disagreement, audited.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "none", 404, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "none", 404, "deny+disagree")]
    [InlineData(GlanceRbac.Legacy, "none", "none", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "none", 404, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "none", 404, "deny+disagree")]
    [InlineData(GlanceRbac.Secure, "none", "none", 401, "none")]
    public Task StoresInfoDetail_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "stores_info_detail", who, kind, status, edge);

    // The test Glance has no image cache: the rule first (403), then 404 "Caching via API is not supported".
    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "none", 404, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "none", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "none", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "none", 404, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "none", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "none", 404, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "none", 401, "none")]
    public Task GetCacheState_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_cache_state", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "none", 404, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "none", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "none", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "none", 404, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "none", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "none", 401, "none")]
    public Task ClearCache_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "clear_cache", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 404, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "admin", "none", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 404, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "none", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task QueueImage_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "queue_image", who, kind, status, edge);

    // Shadow by default. An image the lookup misses: Glance asks its cache, which a site without one does not
    // have (self.cache is None): a 500; the edge, assuming the image is not in the cache, predicts the 404.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 404, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 500, "deny+disagree")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 404, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 500, "deny+disagree")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task DeleteCacheEntry_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "delete_cache_entry", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "none", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "none", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "none", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "none", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "none", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "none", "none", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "none", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "none", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "none", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "none", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "none", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "none", 401, "none")]
    public Task ListMetadefResourceTypes_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "list_metadef_resource_types", who, kind, status, edge);

    [Theory]
    [MemberData(nameof(HostedRows), GlanceRbac.Legacy)]
    public async Task Hosted_LegacyRow_SameAnswerAsGlance(string op, string who, string kind, int status, string edge)
    {
        var gateway = await hostedFixture.StartAsync(_keystone);
        // edge: the fronting gateway's decision; the hosted store decides with the same functions, not audited here.
        _ = edge;
        await _check.AssertSameAsync(_suite.Legacy.Direct, gateway.Client, gateway.Client, "hosted store vs Glance (legacy):", op, who, kind, status);
    }

    // The hosted store in secure RBAC (SecureHostedStoreGatewayFixture) against the suite's secure Glance, every secure row.
    [Theory]
    [MemberData(nameof(HostedRows), GlanceRbac.Secure)]
    public async Task Hosted_SecureRow_SameAnswerAsGlance(string op, string who, string kind, int status, string edge)
    {
        var gateway = await secureHostedFixture.StartAsync(_keystone);
        _ = edge;
        await _check.AssertSameAsync(_suite.Secure.Direct, gateway.Client, gateway.Client, "hosted store vs Glance (secure):", op, who, kind, status);
    }

    // Glance lists an image's members in the order they were added (its query has no ORDER BY:
    // the table's row order); the store ordered them by created_at, stored to the second, then
    // member_id, so two members added within one second came out by id (schema version 6 fixed it). Two
    // members whose ids sort against their order of addition, added back to back; tried up to
    // three times so that the two adds fall in one second on the store (its created_at then equal).
    [Fact]
    public async Task Hosted_MembersAddedInTheSameSecond_ListedInGlancesOrder()
    {
        var gateway = await hostedFixture.StartAsync(_keystone);
        for (var attempt = 1; ; attempt++)
        {
            var lists = new List<(IReadOnlyList<string> Ids, string Body)>();
            foreach (var client in new[] { _suite.Legacy.Direct, gateway.Client })
            {
                var image = await GlanceApi.CreateImageAsync(client, _suite.Tokens.Owner, "shared");
                await GlanceApi.AddMemberAsync(client, _suite.Tokens.Owner, image, "edge-order-z");
                await GlanceApi.AddMemberAsync(client, _suite.Tokens.Owner, image, "edge-order-a");
                using var response = await GlanceApi.GetAsync(client, $"/v2/images/{image}/members", _suite.Tokens.Owner);
                var body = await response.Content.ReadAsStringAsync();
                lists.Add((await GlanceApi.MembersAsync(client, _suite.Tokens.Owner, image), body));
            }

            Assert.Equal(["edge-order-z", "edge-order-a"], lists[0].Ids);
            var storeTimes = JsonDocument.Parse(lists[1].Body).RootElement.GetProperty("members").EnumerateArray()
                .Select(m => m.GetProperty("created_at").GetString()).Distinct().Count();
            if (storeTimes == 1 || attempt == 3)
            {
                Assert.Equal(lists[0].Ids, lists[1].Ids);
                return;
            }
        }
    }

    // Glance with an operator's file making delete_image admin-only; the gateway in front of it
    // with another file making get_image admin-only, both operations in Shadow mode. The gateway
    // forwards everything and answers what Glance answers; each prediction Glance contradicts is
    // counted once (glance_gateway_edge_disagreements_total) and audited with Disagreement true,
    // the agreements are neither.
    [Fact]
    public async Task Shadow_GatewayPolicyDiffersFromGlance_ForwardsAndCountsEachDisagreementOnce()
    {
        var side = await _suite.WithPolicyFileAsync("edge-shadow-delete-admin", "\"delete_image\": \"role:admin\"\n");
        var gatewayFile = Path.Combine(Path.GetTempPath(), $"edge-shadow-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(gatewayFile, "\"get_image\": \"role:admin\"\n");
        try
        {
            await AssertShadowAsync(side, secure: false, gatewayFile, ["get_image", "delete_image"],
            [
                ("get_image", "owner", "private", 200, "404"),       // gateway: admin only; Glance: the owner sees it
                ("get_image", "admin", "private", 200, null),
                ("get_image", "stranger", "private", 404, null),
                ("get_image", "member", "shared-accepted", 200, "404"),
                ("delete_image", "owner", "private", 403, "allow"),   // gateway: the owner may; Glance: admin only
                ("delete_image", "admin", "private", 204, null),
                ("delete_image", "stranger", "private", 404, null),
                ("delete_image", "member", "shared-accepted", 403, null), // both refuse with 403 (for different reasons)
            ]);
        }
        finally
        {
            File.Delete(gatewayFile);
        }
    }

    // The gateway in secure RBAC (Policy:EnforceNewDefaults and EnforceScope true) in front of the
    // legacy Glance, every operation in Shadow mode: the secure defaults refuse the reader's
    // writes and the system-scoped admin where legacy Glance allows them (disagreements); where
    // both refuse, or the gateway allows and Glance refuses for a reason after the policy (a
    // protected image, data already uploaded), nothing is counted.
    [Fact]
    public Task Shadow_GatewaySecureInFrontOfLegacyGlance_ForwardsAndCountsEachDisagreementOnce() =>
        AssertShadowAsync(_suite.Legacy, secure: true, policyFile: null, Glance.Policy.Operations.EdgeOperations.All.Select(op => op.Name).ToList(),
        [
            ("get_images", "system-admin", "none", 200, "403"),
            ("get_image", "system-admin", "private", 200, "404"),
            ("download_image", "system-admin", "public+data", 200, "404"),
            ("delete_image", "reader", "private", 204, "403"),
            ("upload_image", "reader", "private", 204, "403"),
            ("add_member", "reader", "shared-accepted", 200, "403"),
            ("get_image", "owner", "private", 200, null),
            ("delete_image", "stranger", "private", 404, null),
            ("delete_image", "member", "shared-accepted", 403, null),
            ("delete_image", "owner", "shared-protected", 403, null),
            ("upload_image", "owner", "private+data", 409, null),
            ("download_image", "member", "shared-deactivated", 403, null),
            ("modify_member", "member", "shared-pending", 200, null),
        ]);

    // A gateway in front of side's Glance, the named operations in Shadow mode; each case sent to
    // Glance and through the gateway (each its own image, made through Glance): the same answer,
    // the status the case gives, the same image afterwards; then the audit (Shadow, Disagreement
    // exactly where the case names the gateway's prediction) and the disagreement counter (one per
    // disagreement, by operation, prediction and Glance's status; nothing else).
    private async Task AssertShadowAsync(
        GlanceAndGateway side, bool secure, string? policyFile, IReadOnlyList<string> shadowed,
        IReadOnlyList<(string Op, string Who, string Kind, int Status, string? Predicted)> cases)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ImageStore:Enabled"] = "false",
            ["Backend:Identity"] = "Token",
            ["Policy:EnforceNewDefaults"] = secure ? "true" : "false",
            ["Policy:EnforceScope"] = secure ? "true" : "false",
        };
        if (policyFile is not null)
        {
            settings["Policy:File"] = policyFile;
        }

        foreach (var op in shadowed)
        {
            settings[$"EdgePolicy:Operations:{op}"] = "Shadow";
        }

        var redis = await RedisServer.SharedOrNewAsync();
        try
        {
            await using var gateway = await EndToEndGateway.StartAsync(_keystone, redis, settings, GatewayHost.RoutesToward(side.Glance.Url));
            var sent = new List<(string RequestId, string What, string? Predicted)>();
            foreach (var (op, who, kind, status, predicted) in cases)
            {
                var glanceImage = await _check.CreateAsync(side.Direct, kind);
                var gatewayImage = await _check.CreateAsync(side.Direct, kind);
                var request = _check.RequestFor(op, who);
                var (glance, _) = await Parity.SendAsync(side.Direct, request, glanceImage, glanceImage);
                var (through, requestId) = await Parity.SendAsync(gateway.Client, request, gatewayImage, gatewayImage);
                var what = $"shadow {op} by {who} on {kind}";
                Assert.True(glance.Status == status, $"{what}: Glance answered {glance.Status}, the case expects {status}");
                Assert.True(EdgeOperationsCheck.Normalise(glance) == EdgeOperationsCheck.Normalise(through), $"{what}: {Parity.Difference(glance, through)}");
                if (kind != "none")
                {
                    Assert.Equal(await _check.SnapshotAsync(side.Direct, glanceImage), await _check.SnapshotAsync(side.Direct, gatewayImage));
                }

                Assert.NotNull(requestId);
                sent.Add((requestId, what, predicted));
            }

            var events = await AuditEvent.EventuallyAsync(
                () => gateway.AuditEvents().Where(e => sent.Any(r => r.RequestId == e.Get("RequestId"))), sent.Count);
            foreach (var (requestId, what, predicted) in sent)
            {
                var audit = Assert.Single(events, e => e.Get("RequestId") == requestId);
                var flagged = audit.Json.TryGetProperty("Disagreement", out var value) && value.ValueKind == JsonValueKind.True;
                Assert.True(
                    audit.Get("EdgeMode") == "Shadow" && flagged == (predicted is not null),
                    $"{what}: Disagreement {flagged}, expected {predicted is not null}: {audit.Line}");
            }

            using var metrics = await gateway.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
            var counted = PrometheusSample.Parse(await metrics.Content.ReadAsStringAsync())
                .Where(s => s.Name == "glance_gateway_edge_disagreements_total" && s.Value != 0)
                .Select(s => $"{s.Labels["operation"]} predicted={s.Labels["predicted"]} actual={s.Labels["actual"]}: {s.Value}")
                .Order(StringComparer.Ordinal);
            var expected = cases.Where(c => c.Predicted is not null)
                .GroupBy(c => $"{c.Op} predicted={c.Predicted} actual={c.Status}")
                .Select(g => $"{g.Key}: {g.Count()}")
                .Order(StringComparer.Ordinal);
            Assert.Equal(expected, counted);
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    private static string OperationOf(string theory)
    {
        var words = theory[..theory.IndexOf('_', StringComparison.Ordinal)];
        return string.Concat(words.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
    }

    // edge: the decision the edge's audit event must record (allow: forwarded, deny: answered at
    // the edge; none: no token, refused before any decision). An allow answered with a refusal
    // is Glance's reason after the policy (a protected image, a queued image, a missing tag, data
    // already there), never the policy's.
    private Task AssertThroughAsync(GlanceRbac mode, string op, string who, string kind, int status, string edge)
    {
        var side = _suite.For(mode);
        return _check.AssertSameAsync(side.Direct, side.Through, side.Direct, $"gateway in front of Glance ({mode}):", op, who, kind, status, side.Gateway, edge);
    }
}
