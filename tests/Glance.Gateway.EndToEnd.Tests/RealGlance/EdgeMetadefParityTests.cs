using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// Every metadef operation the edge decides (<c>Glance.Policy.Operations.EdgeOperations</c>, but
/// <c>list_metadef_resource_types</c>, whose rows are in <see cref="EdgeOperationsParityTests"/>),
/// the gateway in front of a real Glance 25.1 against Glance itself, in legacy and in secure RBAC
/// mode, each operation in its default mode (Enforce). Each row gets a namespace of its own on
/// each side, made through Glance's API by the admin: owned by the owner's project, private or
/// public (the kind), holding the object, property, tag and resource type association the
/// requests name (<c>missing</c>: a name no namespace has; <c>none</c>: no namespace). The
/// variant after <c>&gt;</c> picks the request's body or child where an operation has several.
/// Compared: status, Content-Type, Allow, WWW-Authenticate and body (each side's namespace name
/// and the times read alike), the gateway's request id, the namespace afterwards as the admin
/// reads it, and the edge's audit event (operation, Enforce, the row's decision, the status).
/// Callers: admin, owner, reader (reader role only, owner project), stranger, system-admin
/// (system scope), none (no token). Hosted (<see cref="Hosted_LegacyRow_SameAnswerAsGlance"/>, <see cref="Hosted_SecureRow_SameAnswerAsGlance"/>):
/// each mode's rows against the gateway hosting its store in that mode, each side's namespaces made through its
/// own API (but the namespace listing: the store has the shipped definitions loaded, the suite's
/// Glance none; and a schema 400, whose jsonschema report the store does not write).
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed partial class EdgeMetadefParityTests(
    KeystoneFixture keystoneFixture, RealGlanceFixture glanceFixture, HostedStoreGatewayFixture hostedFixture, SecureHostedStoreGatewayFixture secureHostedFixture)
    : IAsyncLifetime, IClassFixture<HostedStoreGatewayFixture>, IClassFixture<SecureHostedStoreGatewayFixture>
{
    private const string Missing = "edge-md-missing";
    private const string ResourceType = "Edge::Md::Type";

    private readonly KeystoneServer _keystone = keystoneFixture.Keystone;
    private RealGlanceSuite _suite = null!;

    public async Task InitializeAsync() => _suite = await glanceFixture.StartAsync(_keystone);

    public Task DisposeAsync() => Task.CompletedTask;

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
    public Task GetMetadefNamespaces_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_metadef_namespaces", who, kind, status, edge);

    // Legacy: a system-scoped admin passes the rule; Glance then writes a namespace without an owner
    // (the token has no project): its 500, after the rule (the same for modify_metadef_namespace).
    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "none>new", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "none>new", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "none>new", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "none>new", 500, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "none>bad-visibility", 400, "deny-forwarded")]
    [InlineData(GlanceRbac.Legacy, "admin", "none>read-only", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "owner", "none>bad-visibility", 400, "deny-forwarded")]
    [InlineData(GlanceRbac.Legacy, "none", "none>new", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "none>new", 201, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "none>new", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "none>new", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "none>new", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "none>bad-visibility", 400, "deny-forwarded")]
    [InlineData(GlanceRbac.Secure, "admin", "none>with-contents", 201, "allow")]
    [InlineData(GlanceRbac.Secure, "none", "none>new", 401, "none")]
    public Task AddMetadefNamespace_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "add_metadef_namespace", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task GetMetadefNamespace_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_metadef_namespace", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task GetMetadefObjects_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_metadef_objects", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task GetMetadefProperties_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_metadef_properties", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task GetMetadefTags_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_metadef_tags", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Legacy, "owner", "private>missing-child", 404, "allow")]
    public Task GetMetadefObject_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_metadef_object", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task GetMetadefProperty_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_metadef_property", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task GetMetadefTag_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "get_metadef_tag", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task DeleteMetadefNamespace_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "delete_metadef_namespace", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private>missing-child", 404, "allow")]
    public Task DeleteMetadefObject_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "delete_metadef_object", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task RemoveMetadefProperty_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "remove_metadef_property", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task DeleteMetadefTag_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "delete_metadef_tag", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task RemoveMetadefResourceTypeAssociation_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "remove_metadef_resource_type_association", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task DeleteMetadefNamespaceObjects_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "delete_metadef_namespace_objects", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task DeleteMetadefNamespaceProperties_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "delete_metadef_namespace_properties", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 204, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task DeleteMetadefTags_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "delete_metadef_tags", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 500, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private>bad-body", 400, "deny-forwarded")]
    [InlineData(GlanceRbac.Secure, "owner", "private>read-only", 403, "deny")]
    public Task ModifyMetadefNamespace_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "modify_metadef_namespace", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Legacy, "admin", "private>bad-property", 400, "deny-forwarded")]
    [InlineData(GlanceRbac.Secure, "stranger", "missing>bad-body", 400, "deny-forwarded")]
    public Task AddMetadefObject_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "add_metadef_object", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Legacy, "admin", "private>bad-property", 500, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "private>bad-body", 400, "deny-forwarded")]
    public Task ModifyMetadefObject_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "modify_metadef_object", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Legacy, "owner", "private>bad-body", 400, "deny-forwarded")]
    [InlineData(GlanceRbac.Secure, "admin", "private>read-only", 403, "deny")]
    public Task AddMetadefProperty_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "add_metadef_property", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Legacy, "admin", "private>bad-body", 400, "deny-forwarded")]
    [InlineData(GlanceRbac.Secure, "admin", "private>missing-child", 404, "allow")]
    public Task ModifyMetadefProperty_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "modify_metadef_property", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Legacy, "admin", "private>too-long", 400, "deny-forwarded")]
    [InlineData(GlanceRbac.Secure, "owner", "private>too-long", 400, "deny-forwarded")]
    [InlineData(GlanceRbac.Secure, "stranger", "private>too-long", 404, "deny")]
    public Task AddMetadefTag_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "add_metadef_tag", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Legacy, "admin", "private>bad-body", 400, "deny-forwarded")]
    [InlineData(GlanceRbac.Secure, "admin", "private>missing-child", 404, "allow")]
    public Task ModifyMetadefTag_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "modify_metadef_tag", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Legacy, "admin", "private>bad-body", 400, "deny-forwarded")]
    [InlineData(GlanceRbac.Secure, "admin", "private>array", 500, "deny")]
    public Task AddMetadefTags_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "add_metadef_tags", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 201, "allow")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 403, "deny")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "admin", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Legacy, "admin", "private>bad-body", 400, "deny-forwarded")]
    [InlineData(GlanceRbac.Secure, "stranger", "public>read-only", 403, "deny")]
    public Task AddMetadefResourceTypeAssociation_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "add_metadef_resource_type_association", who, kind, status, edge);

    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "system-admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Legacy, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Legacy, "none", "private", 401, "none")]
    [InlineData(GlanceRbac.Secure, "owner", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "admin", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "reader", "private", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "stranger", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "stranger", "public", 200, "allow")]
    [InlineData(GlanceRbac.Secure, "system-admin", "private", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "owner", "missing", 404, "deny")]
    [InlineData(GlanceRbac.Secure, "none", "private", 401, "none")]
    public Task ListMetadefNamespaceResourceTypes_CallerAndImage_SameAnswerAsGlance(GlanceRbac mode, string who, string kind, int status, string edge) =>
        AssertThroughAsync(mode, "list_metadef_namespace_resource_types", who, kind, status, edge);

    /// <summary>Every row of <paramref name="mode"/> of the fronting theories but the namespace listing, with its operation.</summary>
    public static IEnumerable<object?[]> HostedRows(GlanceRbac mode)
    {
        foreach (var theory in typeof(EdgeMetadefParityTests).GetMethods().Where(m => m.Name.EndsWith("_CallerAndImage_SameAnswerAsGlance", StringComparison.Ordinal)))
        {
            var op = string.Concat(theory.Name[..theory.Name.IndexOf('_', StringComparison.Ordinal)]
                .Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
            foreach (var row in theory.GetCustomAttributes<InlineDataAttribute>().SelectMany(a => a.GetData(theory)))
            {
                // A schema 400: the store writes its first line, Glance adds jsonschema's report (the
                // store's known difference, compared by MetadefsParityTests as SAME-BUT-REPORT).
                if ((GlanceRbac)row[0]! == mode && op != "get_metadef_namespaces" && (string)row[4]! != "deny-forwarded")
                {
                    yield return [op, row[1], row[2], row[3]];
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(HostedRows), GlanceRbac.Legacy)]
    public async Task Hosted_LegacyRow_SameAnswerAsGlance(string op, string who, string kind, int status)
    {
        var gateway = await hostedFixture.StartAsync(_keystone);
        await AssertSameAsync("hosted store vs Glance (legacy):", _suite.Legacy.Direct, gateway.Client, null, op, who, kind, status, null);
    }

    // The hosted store in secure RBAC (SecureHostedStoreGatewayFixture) against the suite's secure Glance.
    [Theory]
    [MemberData(nameof(HostedRows), GlanceRbac.Secure)]
    public async Task Hosted_SecureRow_SameAnswerAsGlance(string op, string who, string kind, int status)
    {
        var gateway = await secureHostedFixture.StartAsync(_keystone);
        await AssertSameAsync("hosted store vs Glance (secure):", _suite.Secure.Direct, gateway.Client, null, op, who, kind, status, null);
    }

    // edge: the decision the edge's audit event must record (allow: forwarded, deny: answered at
    // the edge, deny-forwarded: a schema 400 recorded and forwarded for Glance to word with its
    // jsonschema report; none: no token, refused before any decision). An allow answered with a
    // refusal is Glance's reason after the rule (a child that does not exist).
    private Task AssertThroughAsync(GlanceRbac mode, string op, string who, string kind, int status, string edge)
    {
        var side = _suite.For(mode);
        return AssertSameAsync($"gateway in front of Glance ({mode}):", side.Direct, side.Through, side.Direct, op, who, kind, status, edge, side.Gateway);
    }

    // The row sent to Glance and to the gateway, each with its namespaces made through
    // gatewayApi (Glance itself when null: the gateway fronts it); audited: the gateway whose
    // audit event must record edge.
    private async Task AssertSameAsync(
        string label, HttpClient glanceClient, HttpClient gatewayClient, HttpClient? gatewayApi, string op, string who, string kind, int status, string? edge, GatewayHost? audited = null)
    {
        gatewayApi ??= gatewayClient;
        var (visibility, variant) = EdgeOperationsCheck.Split(kind);
        var names = new[] { NewName(), NewName() };
        try
        {
            if (visibility is "private" or "public")
            {
                await CreateNamespaceAsync(glanceClient, names[0], visibility);
                await CreateNamespaceAsync(gatewayApi, names[1], visibility);
            }

            var request = RequestFor(op, who, variant);
            var answers = new List<ParityAnswer>();
            string? requestId = null;
            foreach (var (client, name) in new[] { (glanceClient, names[0]), (gatewayClient, names[1]) })
            {
                var ns = visibility == "missing" ? Missing : name;
                var sent = request with
                {
                    Path = request.Path.Replace("{ns}", ns, StringComparison.Ordinal),
                    Body = request.Body?.Replace("{ns}", ns, StringComparison.Ordinal),
                };
                var (answer, id) = await Parity.SendAsync(client, sent, ns, ns);
                answers.Add(EdgeOperationsCheck.Normalise(answer));
                requestId = id;
            }

            var (glance, gateway) = (answers[0], answers[1]);
            var problems = new List<string>();
            if (glance != gateway)
            {
                problems.Add(Parity.Difference(glance, gateway));
            }

            if (glance.Status != status)
            {
                problems.Add($"Glance itself answered {glance.Status} where the row expects {status}: {glance}");
            }

            if (requestId?.StartsWith("req-", StringComparison.Ordinal) != true)
            {
                problems.Add($"the gateway's X-Openstack-Request-Id is {requestId ?? "missing"}");
            }

            // What a write did, read back by the admin (a read changes nothing).
            if (request.Method != HttpMethod.Get)
            {
                var before = await SnapshotAsync(glanceClient, names[0]);
                var after = await SnapshotAsync(gatewayApi, names[1]);
                if (before != after)
                {
                    problems.Add($"afterwards the namespaces differ\n  Glance:  {before}\n  gateway: {after}");
                }
            }

            if (audited is not null && edge is not null && who != "none" && requestId is not null)
            {
                var events = await AuditEvent.EventuallyAsync(() => audited.AuditEvents().Where(e => e.Get("RequestId") == requestId));
                var audit = events[0];
                var wrong = audit.Get("Operation") != op || audit.Get("EdgeMode") != "Enforce" || audit.Get("Decision") != edge.Split('-')[0]
                    || audit.Number("Status") != gateway.Status
                    || (edge == "deny" && audit.Number("BackendStatus") is not null)
                    || (edge == "deny-forwarded" && audit.Number("BackendStatus") != gateway.Status);
                if (wrong)
                {
                    problems.Add($"the edge's audit event is not an Enforce {edge} of {op} answered {gateway.Status}: {audit.Line}");
                }
            }

            Assert.True(problems.Count == 0, $"{label} {op} by {who} on {kind} ({request.Method} {request.Path}):\n{string.Join('\n', problems)}");
        }
        finally
        {
            await DeleteNamespaceAsync(glanceClient, names[0]);
            await DeleteNamespaceAsync(gatewayApi, names[1]);
        }
    }

    // The request of operation op by who; {ns} stands for each side's namespace.
    private ParityRequest RequestFor(string op, string who, string? variant)
    {
        var token = who == "none" ? null : _suite.TokenFor(who);
        const string Ns = "/v2/metadefs/namespaces/{ns}";
        const string Json = "application/json";
        ParityRequest Post(string path, string body) => new(HttpMethod.Post, path, token, null, body, Json);
        ParityRequest Put(string path, string body) => new(HttpMethod.Put, path, token, null, body, Json);
        var child = variant == "missing-child" ? "edge-nope" : null;
        return (op, variant) switch
        {
            ("get_metadef_namespaces", _) => new(HttpMethod.Get, "/v2/metadefs/namespaces?limit=5&sort_dir=asc", token),
            ("add_metadef_namespace", "new") => Post("/v2/metadefs/namespaces", "{\"namespace\": \"{ns}\", \"description\": \"edge\"}"),
            ("add_metadef_namespace", "with-contents") => Post("/v2/metadefs/namespaces",
                "{\"namespace\": \"{ns}\", \"objects\": [{\"name\": \"o\"}], \"tags\": [{\"name\": \"t\"}], \"properties\": {\"p\": {\"title\": \"p\", \"type\": \"string\"}}}"),
            ("add_metadef_namespace", "bad-visibility") => Post("/v2/metadefs/namespaces", "{\"namespace\": \"{ns}\", \"visibility\": \"shared\"}"),
            ("add_metadef_namespace", "read-only") => Post("/v2/metadefs/namespaces", "{\"namespace\": \"{ns}\", \"self\": \"x\"}"),
            ("get_metadef_namespace", _) => new(HttpMethod.Get, Ns, token),
            ("get_metadef_objects", _) => new(HttpMethod.Get, Ns + "/objects", token),
            ("get_metadef_properties", _) => new(HttpMethod.Get, Ns + "/properties", token),
            ("get_metadef_tags", _) => new(HttpMethod.Get, Ns + "/tags", token),
            ("get_metadef_object", _) => new(HttpMethod.Get, Ns + "/objects/" + (child ?? "o"), token),
            ("get_metadef_property", _) => new(HttpMethod.Get, Ns + "/properties/p", token),
            ("get_metadef_tag", _) => new(HttpMethod.Get, Ns + "/tags/t", token),
            ("delete_metadef_namespace", _) => new(HttpMethod.Delete, Ns, token),
            ("delete_metadef_object", _) => new(HttpMethod.Delete, Ns + "/objects/" + (child ?? "o"), token),
            ("remove_metadef_property", _) => new(HttpMethod.Delete, Ns + "/properties/p", token),
            ("delete_metadef_tag", _) => new(HttpMethod.Delete, Ns + "/tags/t", token),
            ("remove_metadef_resource_type_association", _) => new(HttpMethod.Delete, Ns + "/resource_types/" + ResourceType, token),
            ("delete_metadef_namespace_objects", _) => new(HttpMethod.Delete, Ns + "/objects", token),
            ("delete_metadef_namespace_properties", _) => new(HttpMethod.Delete, Ns + "/properties", token),
            ("delete_metadef_tags", _) => new(HttpMethod.Delete, Ns + "/tags", token),
            ("modify_metadef_namespace", null) => Put(Ns, "{\"namespace\": \"{ns}\", \"description\": \"edge\", \"visibility\": \"public\"}"),
            ("modify_metadef_namespace", "bad-body") => Put(Ns, "{\"namespace\": \"{ns}\", \"protected\": \"yes\"}"),
            ("modify_metadef_namespace", "read-only") => Put(Ns, "{\"namespace\": \"{ns}\", \"created_at\": \"x\"}"),
            ("add_metadef_object", null) => Post(Ns + "/objects", "{\"name\": \"o2\", \"properties\": {\"q\": {\"title\": \"Q\", \"type\": \"integer\", \"minimum\": 1}}}"),
            ("add_metadef_object", "bad-property") => Post(Ns + "/objects", "{\"name\": \"o2\", \"properties\": {\"q\": {\"title\": \"Q\", \"type\": \"string\", \"colour\": \"red\"}}}"),
            ("add_metadef_object", "bad-body") => Post(Ns + "/objects", "{\"description\": \"no name\"}"),
            ("modify_metadef_object", null) => Put(Ns + "/objects/o", "{\"name\": \"o\", \"description\": \"edge\"}"),
            ("modify_metadef_object", "bad-property") => Put(Ns + "/objects/o", "{\"name\": \"o\", \"properties\": {\"q\": {\"title\": \"Q\", \"type\": \"string\", \"colour\": \"red\"}}}"),
            ("modify_metadef_object", "bad-body") => Put(Ns + "/objects/o", "{\"name\": \"o\", \"required\": \"q\"}"),
            ("add_metadef_property", null) => Post(Ns + "/properties", "{\"name\": \"p2\", \"title\": \"P2\", \"type\": \"string\", \"enum\": [\"a\", \"b\"]}"),
            ("add_metadef_property", "bad-body") => Post(Ns + "/properties", "{\"name\": \"p2\", \"title\": \"P2\", \"type\": \"text\"}"),
            ("add_metadef_property", "read-only") => Post(Ns + "/properties", "{\"name\": \"p2\", \"title\": \"P2\", \"type\": \"string\", \"updated_at\": \"x\"}"),
            ("modify_metadef_property", null) => Put(Ns + "/properties/p", "{\"name\": \"p\", \"title\": \"P\", \"type\": \"integer\"}"),
            ("modify_metadef_property", "bad-body") => Put(Ns + "/properties/p", "{\"name\": \"p\", \"title\": \"P\"}"),
            ("modify_metadef_property", "missing-child") => Put(Ns + "/properties/edge-nope", "{\"name\": \"p\", \"title\": \"P\", \"type\": \"integer\"}"),
            ("add_metadef_tag", null) => new(HttpMethod.Post, Ns + "/tags/t2", token),
            ("add_metadef_tag", "too-long") => new(HttpMethod.Post, Ns + "/tags/" + new string('t', 81), token),
            ("modify_metadef_tag", null) => Put(Ns + "/tags/t", "{\"name\": \"t3\"}"),
            ("modify_metadef_tag", "bad-body") => Put(Ns + "/tags/t", "{\"name\": \"t3\", \"colour\": \"red\"}"),
            ("modify_metadef_tag", "missing-child") => Put(Ns + "/tags/edge-nope", "{\"name\": \"t3\"}"),
            ("add_metadef_tags", null) => Post(Ns + "/tags", "{\"tags\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}"),
            ("add_metadef_tags", "bad-body") => Post(Ns + "/tags", "{\"tags\": [{\"nom\": \"a\"}]}"),
            ("add_metadef_tags", "array") => Post(Ns + "/tags", "[{\"name\": \"a\"}]"),
            ("add_metadef_resource_type_association", null) => Post(Ns + "/resource_types", "{\"name\": \"Edge::Md::Other\", \"prefix\": \"edge_\"}"),
            ("add_metadef_resource_type_association", "bad-body") => Post(Ns + "/resource_types", "{\"prefix\": \"edge_\"}"),
            ("list_metadef_namespace_resource_types", _) => new(HttpMethod.Get, Ns + "/resource_types", token),
            ("add_metadef_resource_type_association", "read-only") => Post(Ns + "/resource_types", "{\"name\": \"Edge::Md::Other\", \"created_at\": \"x\"}"),
            _ => throw new ArgumentOutOfRangeException(nameof(variant), $"{op} {variant}", null),
        };
    }

    // A namespace of the owner's project with what the requests name, made by the admin through Glance.
    private async Task CreateNamespaceAsync(HttpClient glance, string name, string visibility)
    {
        var body = $$$"""
            {"namespace": "{{{name}}}", "visibility": "{{{visibility}}}", "owner": "{{{_keystone.Owner.ProjectId}}}",
             "resource_type_associations": [{"name": "{{{ResourceType}}}"}], "objects": [{"name": "o"}],
             "properties": {"p": {"title": "P", "type": "string"}}, "tags": [{"name": "t"}]}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/metadefs/namespaces")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("X-Auth-Token", _suite.Tokens.Admin);
        using var response = await glance.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating namespace {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task DeleteNamespaceAsync(HttpClient glance, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/v2/metadefs/namespaces/" + name);
        request.Headers.TryAddWithoutValidation("X-Auth-Token", _suite.Tokens.Admin);
        using var response = await glance.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound, $"deleting namespace {name}: {(int)response.StatusCode}");
    }

    // The namespace and its resource type associations as the admin reads them (name and times read alike).
    private async Task<string> SnapshotAsync(HttpClient glance, string name)
    {
        var parts = new List<string>();
        foreach (var path in new[] { "", "/resource_types" })
        {
            using var response = await GlanceApi.GetAsync(glance, $"/v2/metadefs/namespaces/{name}{path}", _suite.Tokens.Admin, "application/json");
            var text = await response.Content.ReadAsStringAsync();
            parts.Add($"{(int)response.StatusCode} {text.Replace(name, "{ns}", StringComparison.Ordinal)}");
        }

        return EdgeOperationsCheck.Normalise(new ParityAnswer(0, null, null, null, string.Join(" | ", parts))).Body;
    }

    private static string NewName() => "edge-md-" + Guid.NewGuid().ToString("N")[..12];
}
