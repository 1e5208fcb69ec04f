using Glance.Policy.Language;
using Glance.Policy.Operations;
using Glance.Policy.Rules;
using static Glance.Policy.Tests.Operations.OperationInputs;

namespace Glance.Policy.Tests.Operations;

/// <summary>
/// The metadef writes with a body (<see cref="MetadefWriteOperations"/>), legacy and secure: the
/// deserializer's body checks, the namespace lookup, then the admin rule over the namespace.
/// </summary>
public sealed class MetadefWriteOperationTests
{
    private const string Ns = "OS::Compute::Test";
    private const string InternalError = "The server has either erred or is incapable of performing the requested operation.";

    /// <summary>Each write: (operation, a body it accepts).</summary>
    public static TheoryData<string, string?> Writes => new()
    {
        { "modify_metadef_namespace", """{"namespace": "n", "visibility": "public"}""" },
        { "add_metadef_object", """{"name": "o", "required": ["p"], "properties": {"p": {"title": "p", "type": "integer", "minimum": 0}}}""" },
        { "modify_metadef_object", """{"name": "o2"}""" },
        { "add_metadef_property", """{"name": "p", "title": "P", "type": "string", "enum": ["a", "b"]}""" },
        { "modify_metadef_property", """{"name": "p", "title": "P", "type": "boolean"}""" },
        { "add_metadef_tag", null },
        { "modify_metadef_tag", """{"name": "t2"}""" },
        { "add_metadef_tags", """{"tags": [{"name": "a"}, {"name": "b"}]}""" },
        { "add_metadef_resource_type_association", """{"name": "OS::Glance::Image", "prefix": "hw_"}""" },
    };

    private static Refusal? Decide(string operation, EdgeInput input) => EdgeOperations.Named(operation)!.Decide(input) is { IsAllowed: false } decision
        ? new Refusal(decision.StatusCode, decision.Explanation!)
        : null;

    private static EdgeInput Write(Caller caller, string? json, NamespaceFacts? ns, string tag = "t") =>
        Input(caller, json: json) with { Namespace = ns, Values = new Dictionary<string, string> { ["namespace"] = Ns, ["tag_name"] = tag } };

    private static NamespaceFacts Namespace(string visibility = "private", string owner = OwnerProject) => new(Ns, owner, visibility, false);

    private static Caller With(PolicyMode mode, string file, params string[] roles) =>
        new(new PolicyCredentials("u", OwnerProject, roles), PolicyRules.Build(mode, PolicyFile.Parse(file), "test"));

    [Theory]
    [MemberData(nameof(Writes))]
    public void An_admin_writes_in_any_namespace(string operation, string? json)
    {
        foreach (var secure in new[] { false, true })
        {
            Assert.Null(Decide(operation, Write(Admin(secure), json, Namespace())));
        }
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public void The_owner_may_not_write_in_its_namespace_403_naming_the_rule(string operation, string? json)
    {
        foreach (var secure in new[] { false, true })
        {
            AssertRefused(Decide(operation, Write(Owner(secure), json, Namespace())), 403, Refused(EdgeOperations.Named(operation)!.Rule));
        }
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public void A_stranger_writing_in_a_private_namespace_is_404_namespace_not_found(string operation, string? json)
    {
        foreach (var secure in new[] { false, true })
        {
            AssertRefused(Decide(operation, Write(Stranger(secure), json, Namespace())), 404, $"Namespace {Ns} not found");
        }
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public void A_stranger_writing_in_a_public_namespace_is_403_naming_the_rule(string operation, string? json)
    {
        foreach (var secure in new[] { false, true })
        {
            AssertRefused(Decide(operation, Write(Stranger(secure), json, Namespace("public"))), 403, Refused(EdgeOperations.Named(operation)!.Rule));
        }
    }

    [Theory]
    [InlineData("modify_metadef_namespace", $"Namespace {Ns} not found")]
    [InlineData("add_metadef_object", $"Metadata definition namespace={Ns} was not found.")]
    [InlineData("modify_metadef_object", $"Metadata definition namespace={Ns} was not found.")]
    [InlineData("add_metadef_property", $"Namespace {Ns} not found")]
    [InlineData("modify_metadef_property", $"Namespace {Ns} not found")]
    [InlineData("add_metadef_tag", $"Namespace {Ns} not found")]
    [InlineData("modify_metadef_tag", $"Namespace {Ns} not found")]
    [InlineData("add_metadef_tags", $"Namespace {Ns} not found")]
    [InlineData("add_metadef_resource_type_association", $"Namespace {Ns} not found")]
    public void Writing_in_a_missing_namespace_is_404_in_the_controllers_words(string operation, string words)
    {
        var json = Writes.Single(row => (string)row[0] == operation)[1] as string;
        AssertRefused(Decide(operation, Write(Admin(true), json, null)), 404, words);
    }

    [Fact]
    public void Secure_a_caller_without_roles_is_refused_a_write_with_a_bare_404() =>
        AssertRefused(Decide("add_metadef_tags", Write(With(PolicyMode.Secure, "{}"), """{"tags": []}""", Namespace())), 404, ResourceNotFound);

    [Fact]
    public void A_rule_the_operator_opens_lets_the_owner_write() =>
        Assert.Null(Decide("add_metadef_object", Write(With(PolicyMode.Secure, """{"add_metadef_object": "project_id:%(project_id)s"}""", "member", "reader"), """{"name": "o"}""", Namespace())));

    [Theory]
    [InlineData("modify_metadef_namespace", """{"namespace": "n", "schema": "s"}""", 403, "Attribute 'schema' is read-only.")]
    [InlineData("modify_metadef_namespace", """{"namespace": "n", "owner": 7}""", 400, "Provided object does not match schema 'namespace': 7 is not of type 'string'")]
    [InlineData("modify_metadef_namespace", """[]""", 500, InternalError)]
    [InlineData("add_metadef_object", """{"name": "o", "self": "s"}""", 403, "Attribute 'self' is read-only.")]
    [InlineData("add_metadef_object", """{"name": "o", "required": "p"}""", 400, "Provided object does not match schema 'object': 'p' is not of type 'array'")]
    [InlineData("add_metadef_object", """{"name": "o", "properties": {"p": {"title": "p", "type": "string", "x": 1}}}""", 400, "Provided object does not match schema 'property': Additional properties are not allowed ('x' was unexpected)")]
    [InlineData("modify_metadef_object", """{"name": "o", "properties": {"p": {"title": "p", "type": "string", "x": 1}}}""", 500, InternalError)]
    [InlineData("modify_metadef_object", """{"description": "d"}""", 400, "Provided object does not match schema 'object': 'name' is a required property")]
    [InlineData("add_metadef_property", """{"title": "P", "type": "string"}""", 400, "Provided object does not match schema 'property': 'name' is a required property")]
    [InlineData("add_metadef_property", """{"name": "p", "title": "P", "type": "text"}""", 400, "Provided object does not match schema 'property': 'text' is not one of ['array', 'boolean', 'integer', 'number', 'object', 'string', None]")]
    [InlineData("modify_metadef_property", """{"name": "p", "title": "P", "type": "string", "updated_at": "x"}""", 403, "Attribute 'updated_at' is read-only.")]
    [InlineData("modify_metadef_tag", """{"name": "t", "colour": "red"}""", 400, "Provided object does not match schema 'tag': Additional properties are not allowed ('colour' was unexpected)")]
    [InlineData("add_metadef_tags", """{"tags": [{"name": "a", "x": 1}]}""", 400, "Provided object does not match schema 'tags': Additional properties are not allowed ('x' was unexpected)")]
    [InlineData("add_metadef_tags", """{"tags": "a"}""", 400, "Provided object does not match schema 'tags': 'a' is not of type 'array'")]
    [InlineData("add_metadef_resource_type_association", """{"prefix": "hw_"}""", 400, "Provided object does not match schema 'resource_type_association': 'name' is a required property")]
    [InlineData("add_metadef_resource_type_association", """{"name": "r", "created_at": "x"}""", 403, "Attribute 'created_at' is read-only.")]
    public void The_body_is_checked_before_the_lookup_and_the_rule(string operation, string json, int status, string words) =>
        AssertRefused(Decide(operation, Write(Stranger(true), json, null)), status, words);

    [Fact]
    public void A_schema_refusal_is_left_for_the_backend_to_word_other_refusals_are_not()
    {
        Assert.True(EdgeOperations.Named("add_metadef_tags")!.Decide(Write(Admin(true), """{"tags": "a"}""", Namespace())).WordedByBackend);
        Assert.False(EdgeOperations.Named("add_metadef_tags")!.Decide(Write(Admin(true), """{"tags": [], "created_at": "x"}""", Namespace())).WordedByBackend);
        Assert.False(EdgeOperations.Named("add_metadef_tags")!.Decide(Write(Owner(true), """{"tags": []}""", Namespace())).WordedByBackend);
    }

    [Fact]
    public void A_body_error_of_the_deserializer_comes_first() =>
        AssertRefused(Decide("modify_metadef_tag", Write(Stranger(true), null, null) with { BodyError = new Refusal(400, "Body expected in request.") }), 400, "Body expected in request.");

    [Fact]
    public void A_tag_name_too_long_is_400_after_the_lookup_and_before_the_rule()
    {
        var name = new string('t', 81);
        AssertRefused(Decide("add_metadef_tag", Write(Owner(true), null, Namespace(), name)), 400, $"Provided object does not match schema 'tag': '{name}' is too long");
        AssertRefused(Decide("add_metadef_tag", Write(Stranger(true), null, Namespace(), name)), 404, $"Namespace {Ns} not found");
        Assert.Null(Decide("add_metadef_tag", Write(Admin(true), null, Namespace(), new string('t', 80))));
    }

    [Theory]
    [InlineData("modify_metadef_namespace", "metadef_namespaces", "update", true)]
    [InlineData("add_metadef_object", "metadef_objects", "create", true)]
    [InlineData("modify_metadef_object", "metadef_objects", "update", true)]
    [InlineData("add_metadef_property", "metadef_properties", "create", true)]
    [InlineData("modify_metadef_property", "metadef_properties", "update", true)]
    [InlineData("add_metadef_tag", "metadef_tags", "create", false)]
    [InlineData("modify_metadef_tag", "metadef_tags", "update", true)]
    [InlineData("add_metadef_tags", "metadef_tags", "create_tags", true)]
    [InlineData("add_metadef_resource_type_association", "metadef_resource_types", "create", true)]
    public void Each_is_registered_on_its_route_enforced(string name, string controller, string action, bool readsBody)
    {
        var operation = EdgeOperations.Named(name)!;
        Assert.Equal((controller, action, name, EdgeFactsNeeded.Namespace, readsBody, EdgeMode.Enforce), (operation.Controller, operation.Action, operation.Rule, operation.Facts, operation.ReadsJsonBody, operation.DefaultMode));
        Assert.Null(operation.DefaultModeReason);
    }
}
