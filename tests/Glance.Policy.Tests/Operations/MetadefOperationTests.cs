using Glance.Policy.Language;
using Glance.Policy.Operations;
using Glance.Policy.Rules;
using static Glance.Policy.Tests.Operations.OperationInputs;

namespace Glance.Policy.Tests.Operations;

/// <summary>The metadef operations the edge decides (<see cref="MetadefOperations"/>), legacy and secure.</summary>
public sealed class MetadefOperationTests
{
    private static Caller With(PolicyMode mode, string file, params string[] roles) =>
        new(new PolicyCredentials("u", OwnerProject, roles), PolicyRules.Build(mode, PolicyFile.Parse(file), "test"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_reader_lists_resource_types(bool secure) =>
        Assert.Null(MetadefOperations.ListResourceTypes(Input(OwnerReader(secure))));

    [Fact]
    public void Secure_a_caller_without_roles_may_not_see_namespaces_either_a_bare_404() =>
        AssertRefused(MetadefOperations.ListResourceTypes(Input(With(PolicyMode.Secure, "{}"))), 404, ResourceNotFound);

    [Fact]
    public void Legacy_a_caller_without_roles_passes_the_deprecated_metadef_default() =>
        Assert.Null(MetadefOperations.ListResourceTypes(Input(With(PolicyMode.Legacy, "{}"))));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Refused_while_namespaces_are_visible_is_403_naming_the_rule(bool secure)
    {
        var caller = With(secure ? PolicyMode.Secure : PolicyMode.Legacy, """{"list_metadef_resource_types": "role:admin"}""", "member", "reader");
        AssertRefused(MetadefOperations.ListResourceTypes(Input(caller)), 403, Refused("list_metadef_resource_types"));
    }

    [Fact]
    public void It_is_registered_on_the_resource_types_index()
    {
        var operation = EdgeOperations.Named("list_metadef_resource_types")!;
        Assert.Equal(("metadef_resource_types", "index", EdgeMode.Enforce, EdgeFactsNeeded.None), (operation.Controller, operation.Action, operation.DefaultMode, operation.Facts));
    }

    private const string Ns = "OS::Compute::Test";

    private static EdgeInput Query(Caller caller, string query, NamespaceFacts? ns = null) =>
        Input(caller) with { Query = MetadefQuery.Parse(query), Namespace = ns, Values = new Dictionary<string, string> { ["namespace"] = Ns } };

    private static NamespaceFacts Namespace(string visibility = "private", string owner = OwnerProject) => new(Ns, owner, visibility, false);

    // get_metadef_namespaces

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_reader_lists_namespaces(bool secure) =>
        Assert.Null(MetadefOperations.ListNamespaces(Query(OwnerReader(secure), "?limit=3&sort_dir=asc&visibility=public&marker=m&sort_key=nope")));

    [Theory]
    [InlineData("?limit=x", 500, "The server has either erred or is incapable of performing the requested operation.")]
    [InlineData("?limit=", 500, "The server has either erred or is incapable of performing the requested operation.")]
    [InlineData("?sort_dir=up", 400, "Invalid sort direction: up")]
    [InlineData("?visibility=shared", 400, "Invalid visibility value: shared")]
    [InlineData("?limit=-1", 400, "limit param must be positive")]
    [InlineData("?limit=-1&sort_dir=up&visibility=all", 400, "Invalid sort direction: up")]
    [InlineData("?limit=x&sort_dir=up", 500, "The server has either erred or is incapable of performing the requested operation.")]
    public void The_query_is_checked_before_the_rules(string query, int status, string words)
    {
        // A caller the rules refuse: the query's refusal comes first.
        var caller = With(PolicyMode.Secure, "{}");
        AssertRefused(MetadefOperations.ListNamespaces(Query(caller, query)), status, words);
    }

    [Fact]
    public void Secure_listing_namespaces_without_roles_is_a_bare_404() =>
        AssertRefused(MetadefOperations.ListNamespaces(Query(With(PolicyMode.Secure, "{}"), "?limit=1000000")), 404, ResourceNotFound);

    [Theory]
    [InlineData(false, "get_metadef_namespaces")]
    [InlineData(true, "get_metadef_namespaces")]
    [InlineData(false, "list_metadef_resource_types")]
    [InlineData(true, "list_metadef_resource_types")]
    public void Listing_namespaces_refused_by_either_rule_is_403_naming_it(bool secure, string rule)
    {
        var caller = With(secure ? PolicyMode.Secure : PolicyMode.Legacy, $$"""{"{{rule}}": "role:admin"}""", "member", "reader");
        AssertRefused(MetadefOperations.ListNamespaces(Query(caller, string.Empty)), 403, Refused(rule));
    }

    // add_metadef_namespace

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_admin_adds_a_namespace_with_its_contents(bool secure) =>
        Assert.Null(MetadefOperations.AddNamespace(Input(Admin(secure), json: """{"namespace": "n", "objects": [{"name": "o"}], "tags": [{"name": "t"}], "properties": {"p": {"title": "p", "type": "string"}}, "resource_type_associations": [{"name": "OS::Glance::Image"}]}""")));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_member_may_not_add_a_namespace_403(bool secure) =>
        AssertRefused(MetadefOperations.AddNamespace(Input(Owner(secure), json: """{"namespace": "n"}""")), 403, Refused("add_metadef_namespace"));

    [Theory]
    [InlineData("resource_type_associations", """[{"name": "OS::Glance::Image"}]""", "add_metadef_resource_type_association")]
    [InlineData("objects", """[{"name": "o"}]""", "add_metadef_object")]
    [InlineData("properties", """{"p": {"title": "p", "type": "string"}}""", "add_metadef_property")]
    [InlineData("tags", """[{"name": "t"}]""", "add_metadef_tag")]
    public void Each_non_empty_list_of_the_body_asks_its_add_rule(string list, string value, string rule)
    {
        var caller = With(PolicyMode.Secure, $$"""{"add_metadef_namespace": "role:member", "{{rule}}": "role:admin"}""", "member", "reader");
        var empty = value.StartsWith('[') ? "[]" : "{}";
        AssertRefused(MetadefOperations.AddNamespace(Input(caller, json: $$"""{"namespace": "n", "{{list}}": {{value}}}""")), 403, Refused(rule));
        Assert.Null(MetadefOperations.AddNamespace(Input(caller, json: $$"""{"namespace": "n", "{{list}}": {{empty}}}""")));
    }

    [Theory]
    [InlineData("""{"namespace": "n", "created_at": "x", "self": "y"}""", 403, "Attribute 'self' is read-only.")]
    [InlineData("""{"namespace": "n", "updated_at": 1}""", 403, "Attribute 'updated_at' is read-only.")]
    [InlineData("""[{"namespace": "n"}]""", 500, "The server has either erred or is incapable of performing the requested operation.")]
    [InlineData("""{"display_name": "n"}""", 400, "Provided object does not match schema 'namespace': 'namespace' is a required property")]
    [InlineData("""{"namespace": "n", "visibility": "shared"}""", 400, "Provided object does not match schema 'namespace': 'shared' is not one of ['public', 'private']")]
    [InlineData("""{"namespace": "n", "protected": "yes"}""", 400, "Provided object does not match schema 'namespace': 'yes' is not of type 'boolean'")]
    [InlineData("""{"namespace": "n", "colour": "red"}""", 400, "Provided object does not match schema 'namespace': Additional properties are not allowed ('colour' was unexpected)")]
    [InlineData("""{"namespace": "n", "tags": [{"nom": "t"}]}""", 400, "Provided object does not match schema 'namespace': 'name' is a required property")]
    [InlineData("""{"namespace": "n", "properties": {"p": {"title": "p"}}}""", 400, "Provided object does not match schema 'namespace': 'type' is a required property")]
    [InlineData("""{"namespace": "n", "properties": {"p": {"title": "p", "type": "string", "required": ["a"]}}}""", 500, "The server has either erred or is incapable of performing the requested operation.")]
    public void The_body_is_read_before_the_rules(string json, int status, string words) =>
        AssertRefused(MetadefOperations.AddNamespace(Input(Owner(true), json: json)), status, words);

    [Fact]
    public void A_body_error_of_the_deserializer_comes_first() =>
        AssertRefused(MetadefOperations.AddNamespace(Input(Owner(true)) with { BodyError = new Refusal(400, "Malformed JSON in request body.") }), 400, "Malformed JSON in request body.");

    // get_metadef_namespace

    [Theory]
    [InlineData(false, "private", true)]
    [InlineData(true, "private", true)]
    [InlineData(false, "public", false)]
    [InlineData(true, "public", false)]
    public void A_reader_shows_its_own_or_a_public_namespace(bool secure, string visibility, bool own) =>
        Assert.Null(MetadefOperations.ShowNamespace(Query(own ? OwnerReader(secure) : Stranger(secure), "?visibility=public", Namespace(visibility))));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Showing_a_missing_namespace_is_404_with_its_name(bool secure) =>
        AssertRefused(MetadefOperations.ShowNamespace(Query(Owner(secure), string.Empty)), 404, $"Metadata definition namespace={Ns} was not found.");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Showing_a_private_namespace_of_another_project_is_a_bare_404(bool secure) =>
        AssertRefused(MetadefOperations.ShowNamespace(Query(Stranger(secure), string.Empty, Namespace())), 404, ResourceNotFound);

    [Fact]
    public void Showing_with_an_invalid_visibility_is_400_before_the_lookup() =>
        AssertRefused(MetadefOperations.ShowNamespace(Query(Stranger(true), "?visibility=shared")), 400, "Invalid visibility value: shared");

    [Fact]
    public void Secure_showing_without_roles_is_a_bare_404() =>
        AssertRefused(MetadefOperations.ShowNamespace(Query(With(PolicyMode.Secure, "{}"), string.Empty, Namespace())), 404, ResourceNotFound);

    [Theory]
    [InlineData("list_metadef_resource_types")]
    [InlineData("get_metadef_objects")]
    [InlineData("get_metadef_properties")]
    [InlineData("get_metadef_tags")]
    public void Showing_refused_by_a_content_rule_is_403_naming_it(string rule)
    {
        var caller = With(PolicyMode.Secure, $$"""{"{{rule}}": "role:admin"}""", "member", "reader");
        AssertRefused(MetadefOperations.ShowNamespace(Query(caller, string.Empty, Namespace())), 403, Refused(rule));
    }

    // get_metadef_objects, get_metadef_properties, get_metadef_tags

    public static TheoryData<string> Listings => new() { "get_metadef_objects", "get_metadef_properties", "get_metadef_tags" };

    private static Refusal? DecideListing(string operation, EdgeInput input) => operation switch
    {
        "get_metadef_objects" => MetadefOperations.ListObjects(input),
        "get_metadef_properties" => MetadefOperations.ListProperties(input),
        _ => MetadefOperations.ListTags(input),
    };

    [Theory]
    [MemberData(nameof(Listings))]
    public void A_reader_lists_the_contents_of_its_own_or_a_public_namespace(string operation)
    {
        foreach (var secure in new[] { false, true })
        {
            Assert.Null(DecideListing(operation, Query(OwnerReader(secure), string.Empty, Namespace())));
            Assert.Null(DecideListing(operation, Query(Stranger(secure), string.Empty, Namespace("public"))));
        }
    }

    [Theory]
    [MemberData(nameof(Listings))]
    public void Listing_the_contents_of_a_namespace_not_visible_is_404_namespace_not_found(string operation)
    {
        foreach (var secure in new[] { false, true })
        {
            AssertRefused(DecideListing(operation, Query(Stranger(secure), string.Empty, Namespace())), 404, $"Namespace {Ns} not found");
        }
    }

    [Theory]
    [InlineData("get_metadef_objects", "Metadata definition namespace=OS::Compute::Test was not found.")]
    [InlineData("get_metadef_properties", "Namespace OS::Compute::Test not found")]
    [InlineData("get_metadef_tags", "Namespace OS::Compute::Test not found")]
    public void Listing_the_contents_of_a_missing_namespace_is_404_in_the_controllers_words(string operation, string words) =>
        AssertRefused(DecideListing(operation, Query(Owner(false), string.Empty)), 404, words);

    [Theory]
    [InlineData("get_metadef_objects")]
    [InlineData("get_metadef_properties")]
    [InlineData("get_metadef_tags")]
    public void Listing_refused_by_its_rule_is_403_naming_it(string operation)
    {
        var caller = With(PolicyMode.Secure, $$"""{"{{operation}}": "role:admin"}""", "member", "reader");
        AssertRefused(DecideListing(operation, Query(caller, string.Empty, Namespace())), 403, Refused(operation));
    }

    [Fact]
    public void Secure_listing_contents_without_roles_is_a_bare_404() =>
        AssertRefused(MetadefOperations.ListProperties(Query(With(PolicyMode.Secure, "{}"), string.Empty, Namespace())), 404, ResourceNotFound);

    [Theory]
    [InlineData("get_metadef_objects", "?limit=0", 400, "limit param must be positive")]
    [InlineData("get_metadef_objects", "?limit=", 400, "limit param must be an integer")]
    [InlineData("get_metadef_tags", "?limit=0", 0, null)]
    [InlineData("get_metadef_tags", "?limit=", 0, null)]
    [InlineData("get_metadef_tags", "?limit=-2", 400, "limit param must be positive")]
    [InlineData("get_metadef_tags", "?limit=x&sort_dir=up", 400, "Invalid sort direction: up")]
    [InlineData("get_metadef_objects", "?visibility=shared&limit=x", 400, "limit param must be an integer")]
    [InlineData("get_metadef_objects", "?visibility=all&limit=x", 400, "Invalid visibility value: all")]
    [InlineData("get_metadef_properties", "?limit=x&sort_dir=up", 0, null)]
    public void The_listing_query_is_checked_before_the_lookup(string operation, string query, int status, string? words)
    {
        // A missing namespace: a query refusal comes before its 404.
        var refusal = DecideListing(operation, Query(Owner(true), query, operation == "get_metadef_properties" ? Namespace() : null));
        if (status == 0)
        {
            Assert.True(refusal is null || refusal.StatusCode == 404);
        }
        else
        {
            AssertRefused(refusal, status, words!);
        }
    }

    // get_metadef_object, get_metadef_property, get_metadef_tag, delete_metadef_namespace

    private static Refusal? DecideInNamespace(string operation, EdgeInput input) => operation switch
    {
        "get_metadef_object" => MetadefOperations.ShowObject(input),
        "get_metadef_property" => MetadefOperations.ShowProperty(input),
        "get_metadef_tag" => MetadefOperations.ShowTag(input),
        "delete_metadef_object" => MetadefOperations.DeleteObject(input),
        "remove_metadef_property" => MetadefOperations.DeleteProperty(input),
        "delete_metadef_tag" => MetadefOperations.DeleteTag(input),
        "remove_metadef_resource_type_association" => MetadefOperations.RemoveResourceTypeAssociation(input),
        _ => MetadefOperations.DeleteNamespace(input),
    };

    [Theory]
    [InlineData("delete_metadef_object", "Metadata definition namespace=OS::Compute::Test was not found.")]
    [InlineData("remove_metadef_property", "Namespace OS::Compute::Test not found")]
    [InlineData("delete_metadef_tag", "Namespace OS::Compute::Test not found")]
    [InlineData("remove_metadef_resource_type_association", "Namespace OS::Compute::Test not found")]
    public void Deleting_an_item_the_namespace_then_the_admin_rule(string operation, string missing)
    {
        foreach (var secure in new[] { false, true })
        {
            Assert.Null(DecideInNamespace(operation, Query(Admin(secure), string.Empty, Namespace(owner: StrangerProject))));
            AssertRefused(DecideInNamespace(operation, Query(Owner(secure), string.Empty, Namespace())), 403, Refused(operation));
            AssertRefused(DecideInNamespace(operation, Query(Stranger(secure), string.Empty, Namespace())), 404, $"Namespace {Ns} not found");
            AssertRefused(DecideInNamespace(operation, Query(Admin(secure), string.Empty)), 404, missing);
        }
    }

    [Theory]
    [InlineData("get_metadef_object")]
    [InlineData("get_metadef_property")]
    [InlineData("get_metadef_tag")]
    public void A_reader_shows_one_item_of_its_own_or_a_public_namespace(string operation)
    {
        foreach (var secure in new[] { false, true })
        {
            Assert.Null(DecideInNamespace(operation, Query(OwnerReader(secure), string.Empty, Namespace())));
            Assert.Null(DecideInNamespace(operation, Query(Stranger(secure), string.Empty, Namespace("public"))));
            AssertRefused(DecideInNamespace(operation, Query(Stranger(secure), string.Empty, Namespace())), 404, $"Namespace {Ns} not found");
        }
    }

    [Theory]
    [InlineData("get_metadef_object", "Metadata definition namespace=OS::Compute::Test was not found.")]
    [InlineData("get_metadef_property", "Namespace OS::Compute::Test not found")]
    [InlineData("get_metadef_tag", "Namespace OS::Compute::Test not found")]
    [InlineData("delete_metadef_namespace", "Namespace OS::Compute::Test not found")]
    public void One_item_of_a_missing_namespace_is_404_in_the_controllers_words(string operation, string words) =>
        AssertRefused(DecideInNamespace(operation, Query(Admin(true), string.Empty)), 404, words);

    [Theory]
    [InlineData("get_metadef_object")]
    [InlineData("get_metadef_property")]
    [InlineData("get_metadef_tag")]
    public void One_item_refused_by_its_rule_is_403_naming_it(string operation)
    {
        var caller = With(PolicyMode.Secure, $$"""{"{{operation}}": "role:admin"}""", "member", "reader");
        AssertRefused(DecideInNamespace(operation, Query(caller, string.Empty, Namespace())), 403, Refused(operation));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Deleting_a_namespaces_contents_the_namespace_then_its_delete_rules(bool secure, bool tags)
    {
        Assert.Null(MetadefOperations.DeleteContents(Query(Admin(secure), string.Empty, Namespace(owner: StrangerProject)), tags));
        AssertRefused(MetadefOperations.DeleteContents(Query(Owner(secure), string.Empty, Namespace()), tags), 403, Refused("delete_metadef_namespace"));
        AssertRefused(MetadefOperations.DeleteContents(Query(Stranger(secure), string.Empty, Namespace()), tags), 404, $"Namespace {Ns} not found");
        AssertRefused(MetadefOperations.DeleteContents(Query(Admin(secure), string.Empty), tags), 404, $"Namespace {Ns} not found");
    }

    [Fact]
    public void Deleting_a_namespaces_tags_asks_delete_metadef_tags_after_delete_metadef_namespace()
    {
        var caller = With(PolicyMode.Secure, """{"delete_metadef_namespace": "role:member", "delete_metadef_tags": "role:admin"}""", "member", "reader");
        AssertRefused(MetadefOperations.DeleteContents(Query(caller, string.Empty, Namespace()), tags: true), 403, Refused("delete_metadef_tags"));
        Assert.Null(MetadefOperations.DeleteContents(Query(caller, string.Empty, Namespace()), tags: false));
    }

    [Theory]
    [InlineData("delete_metadef_namespace_objects", "delete_objects", "delete_metadef_namespace")]
    [InlineData("delete_metadef_namespace_properties", "delete_properties", "delete_metadef_namespace")]
    [InlineData("delete_metadef_tags", "delete_tags", "delete_metadef_tags")]
    public void The_deletes_of_a_namespaces_contents_are_registered(string name, string action, string rule)
    {
        var operation = EdgeOperations.Named(name)!;
        Assert.Equal(("metadef_namespaces", action, rule, EdgeFactsNeeded.Namespace, EdgeMode.Enforce), (operation.Controller, operation.Action, operation.Rule, operation.Facts, operation.DefaultMode));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_admin_deletes_any_namespace(bool secure) =>
        Assert.Null(MetadefOperations.DeleteNamespace(Query(Admin(secure), string.Empty, Namespace(owner: StrangerProject))));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_owner_may_not_delete_its_namespace_403(bool secure) =>
        AssertRefused(MetadefOperations.DeleteNamespace(Query(Owner(secure), string.Empty, Namespace())), 403, Refused("delete_metadef_namespace"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Deleting_a_namespace_not_visible_is_404_namespace_not_found(bool secure) =>
        AssertRefused(MetadefOperations.DeleteNamespace(Query(Stranger(secure), string.Empty, Namespace())), 404, $"Namespace {Ns} not found");

    [Theory]
    [InlineData("get_metadef_object", "metadef_objects", "show", EdgeFactsNeeded.Namespace, false, EdgeMode.Enforce)]
    [InlineData("get_metadef_property", "metadef_properties", "show", EdgeFactsNeeded.Namespace, false, EdgeMode.Enforce)]
    [InlineData("get_metadef_tag", "metadef_tags", "show", EdgeFactsNeeded.Namespace, false, EdgeMode.Enforce)]
    [InlineData("delete_metadef_namespace", "metadef_namespaces", "delete", EdgeFactsNeeded.Namespace, false, EdgeMode.Enforce)]
    [InlineData("delete_metadef_object", "metadef_objects", "delete", EdgeFactsNeeded.Namespace, false, EdgeMode.Enforce)]
    [InlineData("remove_metadef_property", "metadef_properties", "delete", EdgeFactsNeeded.Namespace, false, EdgeMode.Enforce)]
    [InlineData("delete_metadef_tag", "metadef_tags", "delete", EdgeFactsNeeded.Namespace, false, EdgeMode.Enforce)]
    [InlineData("remove_metadef_resource_type_association", "metadef_resource_types", "delete", EdgeFactsNeeded.Namespace, false, EdgeMode.Enforce)]
    [InlineData("get_metadef_namespaces", "metadef_namespaces", "index", EdgeFactsNeeded.None, false, EdgeMode.Enforce)]
    [InlineData("add_metadef_namespace", "metadef_namespaces", "create", EdgeFactsNeeded.None, true, EdgeMode.Enforce)]
    [InlineData("get_metadef_namespace", "metadef_namespaces", "show", EdgeFactsNeeded.Namespace, false, EdgeMode.Enforce)]
    [InlineData("get_metadef_objects", "metadef_objects", "index", EdgeFactsNeeded.Namespace, false, EdgeMode.Enforce)]
    [InlineData("get_metadef_properties", "metadef_properties", "index", EdgeFactsNeeded.Namespace, false, EdgeMode.Enforce)]
    [InlineData("get_metadef_tags", "metadef_tags", "index", EdgeFactsNeeded.Namespace, false, EdgeMode.Enforce)]
    public void Each_is_registered_on_its_route(string name, string controller, string action, EdgeFactsNeeded facts, bool readsBody, EdgeMode mode)
    {
        var operation = EdgeOperations.Named(name)!;
        Assert.Equal((controller, action, name, facts, readsBody, mode), (operation.Controller, operation.Action, operation.Rule, operation.Facts, operation.ReadsJsonBody, operation.DefaultMode));
        Assert.Equal(mode == EdgeMode.Shadow, operation.DefaultModeReason is not null);
    }

    // list_metadef_namespace_resource_types

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Listing_a_namespaces_associations_the_namespace_then_list_metadef_resource_types(bool secure)
    {
        var list = EdgeOperations.Named("list_metadef_namespace_resource_types")!;
        Assert.Equal(("metadef_resource_types", "show", "list_metadef_resource_types", EdgeFactsNeeded.Namespace, EdgeMode.Enforce), (list.Controller, list.Action, list.Rule, list.Facts, list.DefaultMode));
        Assert.Null(MetadefOperations.ListResourceTypeAssociations(Query(OwnerReader(secure), string.Empty, Namespace())));
        Assert.Null(MetadefOperations.ListResourceTypeAssociations(Query(Stranger(secure), string.Empty, Namespace("public"))));
        AssertRefused(MetadefOperations.ListResourceTypeAssociations(Query(Stranger(secure), string.Empty, Namespace())), 404, $"Namespace {Ns} not found");
        AssertRefused(MetadefOperations.ListResourceTypeAssociations(Query(Owner(secure), string.Empty)), 404, $"Namespace {Ns} not found");
    }

    [Fact]
    public void Listing_a_namespaces_associations_refused_by_the_rule_is_403_naming_it()
    {
        var caller = With(PolicyMode.Secure, """{"list_metadef_resource_types": "role:admin"}""", "member", "reader");
        AssertRefused(MetadefOperations.ListResourceTypeAssociations(Query(caller, string.Empty, Namespace())), 403, Refused("list_metadef_resource_types"));
        AssertRefused(MetadefOperations.ListResourceTypeAssociations(Query(With(PolicyMode.Secure, "{}"), string.Empty, Namespace())), 404, ResourceNotFound);
    }
}
