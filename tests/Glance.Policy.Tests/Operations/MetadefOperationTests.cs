using Glance.Policy.Language;
using Glance.Policy.Operations;
using Glance.Policy.Rules;
using static Glance.Policy.Tests.Operations.OperationInputs;

namespace Glance.Policy.Tests.Operations;

/// <summary>GET /v2/metadefs/resource_types (<see cref="MetadefOperations.ListResourceTypes"/>), legacy and secure.</summary>
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
}
