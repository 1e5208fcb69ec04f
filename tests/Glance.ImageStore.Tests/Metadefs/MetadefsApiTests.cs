using System.Net;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Metadefs;

/// <summary>
/// <c>/v2/metadefs/...</c> in the legacy mode (Glance 25 as packaged), as admin and as a project
/// member, on both engines, with the shipped definitions loaded. The expected bodies and messages
/// are Glance 25.1's, as a running Glance answered the same requests. Every test makes its own
/// namespaces (named <c>test-...</c>), so none sees another's.
/// </summary>
public abstract class MetadefsApiTests(StoreFixture fixture)
{
    private StoreClient Admin => fixture.Store.Client(Caller.Admin);

    private static string NewName() => "test-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<string> CreateNamespaceAsync(string json)
    {
        using var response = await Admin.SendAsync(HttpMethod.Post, "v2/metadefs/namespaces", StoreClient.Json(json));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["namespace"]!;
    }

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string explanation)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(explanation, await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task ShippedDefinitions_AreLoaded_AsGlanceManageLoadsThem()
    {
        using var list = await Admin.SendAsync(HttpMethod.Get, "v2/metadefs/namespaces?limit=1000&sort_key=namespace&sort_dir=asc");
        var names = (await JsonAsync(list, HttpStatusCode.OK))["namespaces"]!.AsArray().Select(n => (string)n!["namespace"]!).Where(n => !n.StartsWith("test-", StringComparison.Ordinal)).ToList();
        Assert.Equal(33, names.Count);
        Assert.Contains("OS::Compute::Hypervisor", names);
        Assert.Contains("CIM::ProcessorAllocationSettingData", names);

        using var show = await Admin.SendAsync(HttpMethod.Get, "v2/metadefs/namespaces/OS::Compute::Hypervisor");
        var hypervisor = await JsonAsync(show, HttpStatusCode.OK);
        Assert.Equal("admin", (string?)hypervisor["owner"]);
        Assert.Equal("public", (string?)hypervisor["visibility"]);
        Assert.True((bool)hypervisor["protected"]!);
        Assert.Null(hypervisor["updated_at"]);
        Assert.Equal(["hypervisor_type", "vm_mode"], hypervisor["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal("OS::Glance::Image", (string?)hypervisor["resource_type_associations"]![0]!["name"]);

        // A file without visibility or protected: stored NULL, answered as the domain's defaults.
        using var os = await Admin.SendAsync(HttpMethod.Get, "v2/metadefs/namespaces/OS::OperatingSystem");
        var system = await JsonAsync(os, HttpStatusCode.OK);
        Assert.Equal("private", (string?)system["visibility"]);

        using var types = await Admin.SendAsync(HttpMethod.Get, "v2/metadefs/resource_types");
        var typeNames = (await JsonAsync(types, HttpStatusCode.OK))["resource_types"]!.AsArray().Select(t => (string)t!["name"]!).ToList();
        // Created protected as the files name them, loaded in file name order (glance-manage takes os.listdir's).
        Assert.Equal(["OS::Cinder::Volume", "OS::Glance::Image", "OS::Nova::Aggregate", "OS::Nova::Flavor", "OS::Nova::Server", "OS::Trove::Instance"], typeNames.Take(6).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ShippedNamespace_WithoutVisibility_IsHiddenFromOtherProjects()
    {
        var other = fixture.Store.Client(Caller.Project("md-" + Guid.NewGuid().ToString("N")));
        using var show = await other.SendAsync(HttpMethod.Get, "v2/metadefs/namespaces/OS::OperatingSystem");
        await AssertErrorAsync(show, HttpStatusCode.NotFound, "The resource could not be found.");

        using var list = await other.SendAsync(HttpMethod.Get, "v2/metadefs/namespaces?limit=1000");
        var names = (await JsonAsync(list, HttpStatusCode.OK))["namespaces"]!.AsArray().Select(n => (string)n!["namespace"]!).ToList();
        Assert.DoesNotContain("OS::OperatingSystem", names);
        Assert.DoesNotContain("OS::Glance::CommonImageProperties", names);
        Assert.Contains("OS::Compute::Hypervisor", names);
    }

    [Fact]
    public async Task CreateNamespace_WithContents_AnswersTheRequestsModelAndStoresItNormalized()
    {
        var name = NewName();
        using var create = await Admin.SendAsync(HttpMethod.Post, "v2/metadefs/namespaces", StoreClient.Json(
            """{"namespace": "NAME", "display_name": "D", "resource_type_associations": [{"name": "OS::Glance::Image", "prefix": "p_"}], "tags": [{"name": "a"}, {"name": "b"}], "properties": {"x": {"title": "X", "type": "string", "default": true, "enum": ["a", "b"], "readonly": true}, "n": {"title": "N", "type": "integer", "minimum": 1.7, "default": 2.5}}, "objects": [{"name": "o1", "required": ["y"], "properties": {"y": {"title": "Y", "type": "integer"}}}, {"name": "o2"}]}""".Replace("NAME", name, StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.EndsWith($"/v2/metadefs/namespaces/{name}", create.Headers.Location!.ToString(), StringComparison.Ordinal);
        var body = await create.Content.ReadAsStringAsync();
        Assert.StartsWith($$"""{"namespace": "{{name}}", "display_name": "D", "visibility": "private", "protected": false, "owner": "admin-project", "created_at": """, body, StringComparison.Ordinal);
        Assert.Contains("""
            "resource_type_associations": [{"name": "OS::Glance::Image", "prefix": "p_"}], "properties": {"x": {"type": "string", "title": "X", "default": "True", "readonly": true, "enum": ["a", "b"]}, "n": {"type": "integer", "title": "N", "default": "2.5", "minimum": 1}}, "objects": [{"name": "o1", "required": ["y"], "properties": {"y": {"type": "integer", "title": "Y"}}}, {"name": "o2"}], "tags": [{"name": "a"}, {"name": "b"}],
            """, body, StringComparison.Ordinal);

        using var show = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}");
        var shown = await JsonAsync(show, HttpStatusCode.OK);
        Assert.Equal(["n", "x"], shown["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal("True", (string?)shown["properties"]!["x"]!["default"]);
        Assert.Equal(["o1", "o2"], shown["objects"]!.AsArray().Select(o => (string)o!["name"]!));
        Assert.Empty(shown["objects"]![1]!["required"]!.AsArray());
        Assert.Equal(["b", "a"], shown["tags"]!.AsArray().Select(t => (string)t!["name"]!));
        Assert.NotNull(shown["resource_type_associations"]![0]!["updated_at"]);

        using var prefixed = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}?resource_type=OS::Glance::Image");
        var withPrefix = await JsonAsync(prefixed, HttpStatusCode.OK);
        Assert.Equal(["p_n", "p_x"], withPrefix["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["p_y"], withPrefix["objects"]![0]!["required"]!.AsArray().Select(r => (string)r!));
    }

    [Fact]
    public async Task CreateNamespace_Refusals_AreGlances()
    {
        var name = await CreateNamespaceAsync($$"""{"namespace": "{{NewName()}}"}""");

        using var duplicate = await Admin.SendAsync(HttpMethod.Post, "v2/metadefs/namespaces", StoreClient.Json($$"""{"namespace": "{{name}}"}"""));
        await AssertErrorAsync(duplicate, HttpStatusCode.Conflict, $"The metadata definition namespace={name} already exists.");

        var member = fixture.Store.Client(Caller.Project("md-" + Guid.NewGuid().ToString("N")));
        using var forbidden = await member.SendAsync(HttpMethod.Post, "v2/metadefs/namespaces", StoreClient.Json($$"""{"namespace": "{{NewName()}}"}"""));
        await AssertErrorAsync(forbidden, HttpStatusCode.Forbidden, "You are not authorized to complete add_metadef_namespace action.");

        using var readOnly = await Admin.SendAsync(HttpMethod.Post, "v2/metadefs/namespaces", StoreClient.Json($$"""{"namespace": "{{NewName()}}", "self": "x"}"""));
        await AssertErrorAsync(readOnly, HttpStatusCode.Forbidden, "Attribute 'self' is read-only.");

        using var missing = await Admin.SendAsync(HttpMethod.Post, "v2/metadefs/namespaces", StoreClient.Json("""{"display_name": "x"}"""));
        await AssertErrorAsync(missing, HttpStatusCode.BadRequest, "Provided object does not match schema 'namespace': 'namespace' is a required property");

        using var array = await Admin.SendAsync(HttpMethod.Post, "v2/metadefs/namespaces", StoreClient.Json("[1]"));
        Assert.Equal(HttpStatusCode.InternalServerError, array.StatusCode);

        // A duplicate inside the request leaves nothing behind (Glance removes the namespace again).
        var partial = NewName();
        using var twice = await Admin.SendAsync(HttpMethod.Post, "v2/metadefs/namespaces", StoreClient.Json($$"""{"namespace": "{{partial}}", "tags": [{"name": "m"}, {"name": "m"}]}"""));
        await AssertErrorAsync(twice, HttpStatusCode.Conflict, $"A metadata tag with name=m already exists in namespace={partial}. (Please note that metadata tag names are case insensitive).");
        using var gone = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{partial}");
        await AssertErrorAsync(gone, HttpStatusCode.NotFound, $"Metadata definition namespace={partial} was not found.");
    }

    [Fact]
    public async Task ShowNamespace_MissingPrivateOrBadQuery_AreGlances()
    {
        var missing = NewName();
        using var notFound = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{missing}");
        await AssertErrorAsync(notFound, HttpStatusCode.NotFound, $"Metadata definition namespace={missing} was not found.");

        var name = await CreateNamespaceAsync($$"""{"namespace": "{{NewName()}}", "visibility": "private"}""");
        var other = fixture.Store.Client(Caller.Project("md-" + Guid.NewGuid().ToString("N")));
        using var hidden = await other.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}");
        await AssertErrorAsync(hidden, HttpStatusCode.NotFound, "The resource could not be found.");

        using var keyError = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}?foo=bar");
        Assert.Equal(HttpStatusCode.InternalServerError, keyError.StatusCode);
    }

    [Fact]
    public async Task UpdateNamespace_ReplacesEveryAttribute_AndRefusesAsGlance()
    {
        var name = await CreateNamespaceAsync($$"""{"namespace": "{{NewName()}}", "display_name": "D", "visibility": "public", "protected": true}""");
        var renamed = NewName();
        using var update = await Admin.SendAsync(HttpMethod.Put, $"v2/metadefs/namespaces/{name}", StoreClient.Json($$"""{"namespace": "{{renamed}}"}"""));
        var updated = await JsonAsync(update, HttpStatusCode.OK);
        Assert.Equal(renamed, (string?)updated["namespace"]);
        Assert.Null(updated["display_name"]);
        Assert.Equal("private", (string?)updated["visibility"]);
        Assert.False((bool)updated["protected"]!);
        Assert.Equal($"/v2/metadefs/namespaces/{renamed}", (string?)updated["self"]);

        var other = await CreateNamespaceAsync($$"""{"namespace": "{{NewName()}}", "visibility": "public"}""");
        using var duplicate = await Admin.SendAsync(HttpMethod.Put, $"v2/metadefs/namespaces/{renamed}", StoreClient.Json($$"""{"namespace": "{{other}}"}"""));
        await AssertErrorAsync(duplicate, HttpStatusCode.Conflict, $"Invalid update. It would result in a duplicate metadata definition namespace with the same name of {other}");

        var member = fixture.Store.Client(Caller.Project("md-" + Guid.NewGuid().ToString("N")));
        using var forbidden = await member.SendAsync(HttpMethod.Put, $"v2/metadefs/namespaces/{other}", StoreClient.Json($$"""{"namespace": "{{other}}"}"""));
        await AssertErrorAsync(forbidden, HttpStatusCode.Forbidden, "You are not authorized to complete modify_metadef_namespace action.");
        using var hidden = await member.SendAsync(HttpMethod.Put, $"v2/metadefs/namespaces/{renamed}", StoreClient.Json($$"""{"namespace": "{{renamed}}"}"""));
        await AssertErrorAsync(hidden, HttpStatusCode.NotFound, $"Namespace {renamed} not found");
    }

    [Fact]
    public async Task DeleteNamespace_ProtectedThenUnprotected_AsGlance()
    {
        var name = await CreateNamespaceAsync("""{"namespace": "NAME", "protected": true, "tags": [{"name": "t"}], "objects": [{"name": "o"}], "properties": {"p": {"title": "P", "type": "string"}}}""".Replace("NAME", NewName(), StringComparison.Ordinal));
        foreach (var path in new[] { "", "/tags", "/objects", "/properties" })
        {
            using var refused = await Admin.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}{path}");
            await AssertErrorAsync(refused, HttpStatusCode.Forbidden, $"Metadata definition namespace {name} is protected and cannot be deleted.");
        }

        using var shipped = await Admin.SendAsync(HttpMethod.Delete, "v2/metadefs/namespaces/OS::Compute::Libvirt");
        await AssertErrorAsync(shipped, HttpStatusCode.Forbidden, "Metadata definition namespace OS::Compute::Libvirt is protected and cannot be deleted.");

        using (var unprotect = await Admin.SendAsync(HttpMethod.Put, $"v2/metadefs/namespaces/{name}", StoreClient.Json($$"""{"namespace": "{{name}}"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, unprotect.StatusCode);
        }

        foreach (var path in new[] { "/tags", "/objects", "/properties" })
        {
            using var emptied = await Admin.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}{path}");
            Assert.Equal(HttpStatusCode.NoContent, emptied.StatusCode);
        }

        using var show = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}");
        var shown = await JsonAsync(show, HttpStatusCode.OK);
        Assert.Null(shown["tags"]);
        Assert.Null(shown["objects"]);
        Assert.Null(shown["properties"]);

        var member = fixture.Store.Client(Caller.Project("md-" + Guid.NewGuid().ToString("N")));
        using var hidden = await member.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}");
        await AssertErrorAsync(hidden, HttpStatusCode.NotFound, $"Namespace {name} not found");

        using var delete = await Admin.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal("text/html; charset=UTF-8", delete.Content.Headers.ContentType!.ToString());
        using var again = await Admin.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}");
        await AssertErrorAsync(again, HttpStatusCode.NotFound, $"Namespace {name} not found");
    }

    [Fact]
    public async Task ListNamespaces_PagesFiltersAndRefusals_AreGlances()
    {
        var type = "Test::" + Guid.NewGuid().ToString("N");
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            names.Add(await CreateNamespaceAsync($$"""{"namespace": "{{NewName()}}", "visibility": "{{(i == 1 ? "private" : "public")}}", "resource_type_associations": [{"name": "{{type}}"}]}"""));
        }

        names.Reverse();
        using var first = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces?resource_types={type}&limit=2");
        var page = await JsonAsync(first, HttpStatusCode.OK);
        Assert.Equal(names[..2], page["namespaces"]!.AsArray().Select(n => (string)n!["namespace"]!));
        Assert.Equal($"/v2/metadefs/namespaces?resource_types={type.Replace(":", "%3A", StringComparison.Ordinal)}&limit=2", (string?)page["first"]);
        Assert.Equal($"/v2/metadefs/namespaces?resource_types={type.Replace(":", "%3A", StringComparison.Ordinal)}&limit=2&marker={names[1]}", (string?)page["next"]);
        Assert.Equal("/v2/schemas/metadefs/namespaces", (string?)page["schema"]);

        using var second = await Admin.SendAsync(HttpMethod.Get, ((string)page["next"]!).TrimStart('/'));
        var page2 = await JsonAsync(second, HttpStatusCode.OK);
        Assert.Equal(names[2..], page2["namespaces"]!.AsArray().Select(n => (string)n!["namespace"]!));
        Assert.Null(page2["next"]);

        using var publicOnly = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces?resource_types={type}&visibility=public&sort_dir=asc");
        Assert.Equal([names[2], names[0]], (await JsonAsync(publicOnly, HttpStatusCode.OK))["namespaces"]!.AsArray().Select(n => (string)n!["namespace"]!));

        var member = fixture.Store.Client(Caller.Project("md-" + Guid.NewGuid().ToString("N")));
        using var asMember = await member.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces?resource_types={type}");
        Assert.Equal([names[0], names[2]], (await JsonAsync(asMember, HttpStatusCode.OK))["namespaces"]!.AsArray().Select(n => (string)n!["namespace"]!));
        using var hiddenMarker = await member.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces?marker={names[1]}");
        await AssertErrorAsync(hiddenMarker, HttpStatusCode.Forbidden, $"Forbidding request, metadata definition namespace={names[1]} is not visible.");

        (string Query, HttpStatusCode Status, string? Explanation)[] refusals =
        [
            ("sort_dir=up", HttpStatusCode.BadRequest, "Invalid sort direction: up"),
            ("limit=-1", HttpStatusCode.BadRequest, "limit param must be positive"),
            ("visibility=shared", HttpStatusCode.BadRequest, "Invalid visibility value: shared"),
            ("marker=test-none", HttpStatusCode.NotFound, "Metadata definition namespace=test-none was not found."),
            ("limit=x", HttpStatusCode.InternalServerError, null),
            ("sort_key=nope", HttpStatusCode.InternalServerError, null),
        ];
        foreach (var (query, status, explanation) in refusals)
        {
            using var refused = await Admin.SendAsync(HttpMethod.Get, "v2/metadefs/namespaces?" + query);
            Assert.Equal(status, refused.StatusCode);
            if (explanation is not null)
            {
                Assert.Equal(explanation, await ErrorText.ExplanationAsync(refused));
            }
        }
    }

    [Fact]
    public async Task ResourceTypeAssociations_CreateListDelete_AsGlance()
    {
        var name = await CreateNamespaceAsync($$"""{"namespace": "{{NewName()}}", "visibility": "public"}""");
        var type = "Test::" + Guid.NewGuid().ToString("N");
        using var create = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/resource_types", StoreClient.Json($$"""{"name": "{{type}}", "prefix": "t_", "properties_target": "image"}"""));
        var created = await JsonAsync(create, HttpStatusCode.Created);
        Assert.Equal(["name", "prefix", "properties_target", "created_at", "updated_at"], created.AsObject().Select(p => p.Key));

        using var duplicate = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/resource_types", StoreClient.Json($$"""{"name": "{{type}}"}"""));
        await AssertErrorAsync(duplicate, HttpStatusCode.Conflict, $"The metadata definition resource-type association of resource-type={type} to namespace={name} already exists.");

        var member = fixture.Store.Client(Caller.Project("md-" + Guid.NewGuid().ToString("N")));
        using var forbidden = await member.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/resource_types", StoreClient.Json("""{"name": "X"}"""));
        await AssertErrorAsync(forbidden, HttpStatusCode.Forbidden, "You are not authorized to complete add_metadef_resource_type_association action.");

        using var list = await member.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/resource_types");
        Assert.Equal([type], (await JsonAsync(list, HttpStatusCode.OK))["resource_type_associations"]!.AsArray().Select(a => (string)a!["name"]!));

        using var types = await member.SendAsync(HttpMethod.Get, "v2/metadefs/resource_types");
        Assert.Contains(type, (await JsonAsync(types, HttpStatusCode.OK))["resource_types"]!.AsArray().Select(t => (string)t!["name"]!));

        using var delete = await Admin.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}/resource_types/{type}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var again = await Admin.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}/resource_types/{type}");
        await AssertErrorAsync(again, HttpStatusCode.NotFound, $"Failed to find resource type {type} to delete");

        using var shipped = await Admin.SendAsync(HttpMethod.Delete, "v2/metadefs/namespaces/OS::Compute::Libvirt/resource_types/OS::Glance::Image");
        await AssertErrorAsync(shipped, HttpStatusCode.Forbidden, "Metadata definition resource-type-association OS::Glance::Image is protected and cannot be deleted.");
    }

    [Fact]
    public async Task Objects_CreateShowUpdateDelete_AsGlance()
    {
        var name = await CreateNamespaceAsync($$"""{"namespace": "{{NewName()}}", "visibility": "public"}""");
        using var create = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/objects", StoreClient.Json("""{"name": "o1", "properties": {"a": {"type": "string", "title": "A", "default": 7}}}"""));
        var created = await JsonAsync(create, HttpStatusCode.Created);
        Assert.Equal(["name", "properties", "created_at", "updated_at", "self", "schema"], created.AsObject().Select(p => p.Key));
        Assert.Equal("7", (string?)created["properties"]!["a"]!["default"]);

        using var duplicate = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/objects", StoreClient.Json("""{"name": "o1"}"""));
        await AssertErrorAsync(duplicate, HttpStatusCode.Conflict, $"A metadata definition object with name=o1 already exists in namespace={name}.");
        using var unexpected = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/objects", StoreClient.Json("""{"nam": "o1"}"""));
        await AssertErrorAsync(unexpected, HttpStatusCode.BadRequest, "Provided object does not match schema 'object': Additional properties are not allowed ('nam' was unexpected)");

        var member = fixture.Store.Client(Caller.Project("md-" + Guid.NewGuid().ToString("N")));
        using var show = await member.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/objects/o1");
        var shown = await JsonAsync(show, HttpStatusCode.OK);
        Assert.Equal(["name", "required", "properties", "created_at", "updated_at", "self", "schema"], shown.AsObject().Select(p => p.Key));
        using var forbidden = await member.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}/objects/o1");
        await AssertErrorAsync(forbidden, HttpStatusCode.Forbidden, "You are not authorized to complete delete_metadef_object action.");

        using var missing = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/objects/nope");
        await AssertErrorAsync(missing, HttpStatusCode.NotFound, "Could not find metadata object nope");
        var absent = NewName();
        using var noNamespace = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{absent}/objects");
        await AssertErrorAsync(noNamespace, HttpStatusCode.NotFound, $"Metadata definition namespace={absent} was not found.");

        using (var second = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/objects", StoreClient.Json("""{"name": "o2"}""")))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        }

        using var clash = await Admin.SendAsync(HttpMethod.Put, $"v2/metadefs/namespaces/{name}/objects/o2", StoreClient.Json("""{"name": "o1"}"""));
        await AssertErrorAsync(clash, HttpStatusCode.Conflict, $"Invalid update. It would result in a duplicate metadata definition object with the same name=o2 in namespace={name}.");
        using var update = await Admin.SendAsync(HttpMethod.Put, $"v2/metadefs/namespaces/{name}/objects/o2", StoreClient.Json("""{"name": "o3", "required": ["a"]}"""));
        var updated = await JsonAsync(update, HttpStatusCode.OK);
        Assert.Equal(["name", "required", "created_at", "updated_at", "self", "schema"], updated.AsObject().Select(p => p.Key));

        using var list = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/objects");
        var listed = await JsonAsync(list, HttpStatusCode.OK);
        Assert.Equal(["o1", "o3"], listed["objects"]!.AsArray().Select(o => (string)o!["name"]!));
        Assert.Equal("v2/schemas/metadefs/objects", (string?)listed["schema"]);
        using var zero = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/objects?limit=0");
        await AssertErrorAsync(zero, HttpStatusCode.BadRequest, "limit param must be positive");

        using var delete = await Admin.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}/objects/o3");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await Admin.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}/objects/o3");
        await AssertErrorAsync(gone, HttpStatusCode.NotFound, "Could not find metadata object o3");

        using var shipped = await Admin.SendAsync(HttpMethod.Delete, "v2/metadefs/namespaces/OS::Software::DBMS/objects/MySQL");
        await AssertErrorAsync(shipped, HttpStatusCode.Forbidden, "Metadata definition object MySQL is protected and cannot be deleted.");
    }

    [Fact]
    public async Task Properties_CreateShowUpdateDelete_AsGlance()
    {
        var name = await CreateNamespaceAsync($$"""{"namespace": "{{NewName()}}", "visibility": "public", "resource_type_associations": [{"name": "OS::Glance::Image", "prefix": "g_"}]}""");
        using var create = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/properties", StoreClient.Json("""{"name": "p1", "title": "P1", "type": "integer", "minimum": 2.5, "default": 3}"""));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.Equal("""{"name": "p1", "type": "integer", "title": "P1", "default": "3", "minimum": 2}""", await create.Content.ReadAsStringAsync());

        using var duplicate = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/properties", StoreClient.Json("""{"name": "p1", "title": "P1", "type": "integer"}"""));
        await AssertErrorAsync(duplicate, HttpStatusCode.Conflict, $"A metadata definition property with name=p1 already exists in namespace={name}.");
        using var noName = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/properties", StoreClient.Json("""{"title": "P1", "type": "integer"}"""));
        await AssertErrorAsync(noName, HttpStatusCode.BadRequest, "Provided object does not match schema 'property': 'name' is a required property");

        var member = fixture.Store.Client(Caller.Project("md-" + Guid.NewGuid().ToString("N")));
        using var prefixed = await member.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/properties/g_p1?resource_type=OS::Glance::Image");
        Assert.Equal("""{"name": "p1", "type": "integer", "title": "P1", "default": "3", "minimum": 2}""", await prefixed.Content.ReadAsStringAsync());
        using var wrongPrefix = await member.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/properties/p1?resource_type=OS::Glance::Image");
        await AssertErrorAsync(wrongPrefix, HttpStatusCode.NotFound, "Property p1 does not start with the expected resource type association prefix of 'g_'.");
        using var forbidden = await member.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/properties", StoreClient.Json("""{"name": "p9", "title": "P", "type": "string"}"""));
        await AssertErrorAsync(forbidden, HttpStatusCode.Forbidden, "You are not authorized to complete add_metadef_property action.");

        using var update = await Admin.SendAsync(HttpMethod.Put, $"v2/metadefs/namespaces/{name}/properties/p1", StoreClient.Json("""{"name": "p2", "title": "P2", "type": "string"}"""));
        Assert.Equal("""{"name": "p2", "type": "string", "title": "P2"}""", await update.Content.ReadAsStringAsync());
        using var list = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/properties");
        Assert.Equal("""{"properties": {"p2": {"name": "p2", "type": "string", "title": "P2"}}}""", await list.Content.ReadAsStringAsync());

        using var delete = await Admin.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}/properties/p2");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/properties/p2");
        await AssertErrorAsync(gone, HttpStatusCode.NotFound, "Could not find property p2");
    }

    [Fact]
    public async Task Tags_CreateListUpdateDelete_AsGlance()
    {
        var name = await CreateNamespaceAsync($$"""{"namespace": "{{NewName()}}", "visibility": "public", "tags": [{"name": "a"}, {"name": "b"}]}""");
        using var create = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/tags/t1");
        var created = await JsonAsync(create, HttpStatusCode.Created);
        Assert.Equal(["name", "created_at", "updated_at"], created.AsObject().Select(p => p.Key));
        using var duplicate = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/tags/t1");
        await AssertErrorAsync(duplicate, HttpStatusCode.Conflict, $"A metadata tag with name=t1 already exists in namespace={name}. (Please note that metadata tag names are case insensitive).");

        async Task<List<string>> TagsAsync(string query = "")
        {
            using var list = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/tags{query}");
            return (await JsonAsync(list, HttpStatusCode.OK))["tags"]!.AsArray().Select(t => (string)t!["name"]!).ToList();
        }

        Assert.Equal(["t1", "b", "a"], await TagsAsync());
        Assert.Equal(["a", "b"], await TagsAsync("?limit=2&sort_dir=asc"));
        Assert.Equal(["b", "t1"], await TagsAsync("?marker=a&sort_dir=asc"));
        using var badMarker = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/tags?marker=zz");
        await AssertErrorAsync(badMarker, HttpStatusCode.NotFound, "Could not find metadata tag zz");

        using var rename = await Admin.SendAsync(HttpMethod.Put, $"v2/metadefs/namespaces/{name}/tags/t1", StoreClient.Json("""{"name": "t2"}"""));
        Assert.Equal("t2", (string?)(await JsonAsync(rename, HttpStatusCode.OK))["name"]);
        using var clash = await Admin.SendAsync(HttpMethod.Put, $"v2/metadefs/namespaces/{name}/tags/t2", StoreClient.Json("""{"name": "a"}"""));
        await AssertErrorAsync(clash, HttpStatusCode.Conflict, $"A metadata tag with name=a already exists in namespace={name}. (Please note that metadata tag names are case insensitive).");

        using var append = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/tags", StoreClient.Json("""{"tags": [{"name": "m"}, {"name": "n"}]}"""), configure: r => r.Headers.Add("X-Openstack-Append", "true"));
        Assert.Equal(HttpStatusCode.Created, append.StatusCode);
        Assert.Equal("""{"tags": [{"name": "m"}, {"name": "n"}]}""", await append.Content.ReadAsStringAsync());
        Assert.Equal(["n", "m", "t2", "b", "a"], await TagsAsync());

        using var replace = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/tags", StoreClient.Json("""{"tags": [{"name": "q"}]}"""));
        Assert.Equal(HttpStatusCode.Created, replace.StatusCode);
        Assert.Equal(["q"], await TagsAsync());
        using var empty = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/tags", StoreClient.Json("""{"tags": []}"""));
        Assert.Equal(HttpStatusCode.Created, empty.StatusCode);
        Assert.Equal(["q"], await TagsAsync());

        var member = fixture.Store.Client(Caller.Project("md-" + Guid.NewGuid().ToString("N")));
        using var forbidden = await member.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}/tags/q");
        await AssertErrorAsync(forbidden, HttpStatusCode.Forbidden, "You are not authorized to complete delete_metadef_tag action.");
        using var shown = await member.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/tags/q");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);

        using var delete = await Admin.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}/tags/q");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await Admin.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{name}/tags/q");
        await AssertErrorAsync(gone, HttpStatusCode.NotFound, "Could not find metadata tag q");
    }

    [Fact]
    public async Task Schemas_AreGlancesBytes()
    {
        foreach (var name in new[] { "namespace", "namespaces", "object", "objects", "property", "properties", "tag", "tags", "resource_type", "resource_types" })
        {
            using var response = await Admin.SendAsync(HttpMethod.Get, $"v2/schemas/metadefs/{name}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.StartsWith("{\"name\": \"", body, StringComparison.Ordinal);
        }

        using var tag = await Admin.SendAsync(HttpMethod.Get, "v2/schemas/metadefs/tag");
        Assert.Equal(388, (await tag.Content.ReadAsByteArrayAsync()).Length);
    }

    public sealed class Sqlite(StoreFixture fixture) : MetadefsApiTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : MetadefsApiTests(fixture), IClassFixture<PostgresStoreFixture>;
}
