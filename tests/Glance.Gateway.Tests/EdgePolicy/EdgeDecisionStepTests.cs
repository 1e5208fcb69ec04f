using System.Diagnostics.Metrics;
using System.Text;
using Glance.Gateway.EdgePolicy;
using Glance.Gateway.HeaderHygiene;
using Glance.Gateway.Hosting;
using Glance.Gateway.Keystone;
using Glance.Gateway.Telemetry;
using Glance.ImageStore.Facts;
using Glance.Policy.Members;
using Glance.Policy.Operations;
using Glance.Policy.Routing;
using Glance.Policy.Rules;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Glance.Gateway.Tests.EdgePolicy;

/// <summary>
/// The edge-decision step of every registered operation, on a <see cref="DefaultHttpContext"/>:
/// routed by Glance's router, with the image facts an in-memory reader gives (the store's
/// <see cref="IImageFactsReader"/> contract), a refusal is answered by the step with Glance's
/// status and words and the request goes no further, an allow goes on to the proxy; in shadow
/// mode nothing is answered by the step, in off mode nothing is decided; a body where the action
/// takes none is refused before any read. Every registered operation must have its cases here.
/// </summary>
public sealed class EdgeDecisionStepTests : IDisposable
{
    private const string ImageId = "0f1e2d3c-4b5a-4697-8877-665544332211";
    private const string Owner = "project-a";
    private const string Member = "project-b";
    private const string Stranger = "project-c";
    private const string Admin = "admin-project";
    private const string Namespace = "OS::Test::Ns";
    private static readonly Uri Store = new("http://127.0.0.1:9191/");

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddLogging().BuildServiceProvider();
    private readonly FactsReader _facts = new();
    private double _cacheSeconds;
    private ImageFactsCache? _cache;
    private PolicyRules? _candidate;

    public void Dispose() => _services.Dispose();

    /// <summary>One refusal and one allow per operation: (operation, method, path, body, content type, caller's project, image visibility, expected status (0 = allowed), words).</summary>
    public static TheoryData<string, string, string, string?, string?, string, string, int, string?> Cases => new()
    {
        { "get_images", "GET", "/v2/images", null, null, Stranger, "private", 0, null },
        { "get_image", "GET", "/v2/images/{id}", null, null, Stranger, "private", 404, $"No image found with ID {ImageId}" },
        { "get_image", "GET", "/v2/images/{id}", null, null, Member, "shared", 0, null },
        { "delete_image", "DELETE", "/v2/images/{id}", null, null, Stranger, "private", 404, $"Failed to find image {ImageId} to delete" },
        { "delete_image", "DELETE", "/v2/images/{id}", null, null, Member, "shared", 403, ImagePolicy.NotOwner },
        { "delete_image", "DELETE", "/v2/images/{id}", null, null, Owner, "private", 0, null },
        { "deactivate", "POST", "/v2/images/{id}/actions/deactivate", null, null, Member, "shared", 403, ImagePolicy.NotOwner },
        { "deactivate", "POST", "/v2/images/{id}/actions/deactivate", null, null, Owner, "shared", 0, null },
        { "deactivate", "POST", "/v2/images/{id}/actions/deactivate", null, null, Stranger, "private", 404, $"No image found with ID {ImageId}" },
        { "reactivate", "POST", "/v2/images/{id}/actions/reactivate", null, null, Stranger, "shared", 404, $"No image found with ID {ImageId}" },
        { "download_image", "GET", "/v2/images/{id}/file", null, null, Member, "shared", 0, null },
        { "download_image", "GET", "/v2/images/{id}/file", null, null, Stranger, "shared", 404, $"No image found with ID {ImageId}" },
        { "upload_image", "PUT", "/v2/images/{id}/file", "data", "text/plain", Owner, "private", 415, null },
        { "upload_image", "PUT", "/v2/images/{id}/file", "data", "application/octet-stream", Member, "shared", 403, $"Not allowed to upload image data for image {ImageId}" },
        { "upload_image", "PUT", "/v2/images/{id}/file", "data", "application/octet-stream", Owner, "shared", 0, null },
        { "add_image_tag", "PUT", "/v2/images/{id}/tags/blue", null, null, Member, "shared", 403, $"Not allowed to update tags for image {ImageId}." },
        { "add_image_tag", "PUT", "/v2/images/{id}/tags/blue", null, null, Owner, "shared", 0, null },
        { "delete_image_tag", "DELETE", "/v2/images/{id}/tags/blue", null, null, Stranger, "private", 404, $"Image {ImageId} not found." },
        { "get_members", "GET", "/v2/images/{id}/members", null, null, Owner, "private", 403, $"Not allowed to list members for image {ImageId}: Only shared images have members." },
        { "get_members", "GET", "/v2/images/{id}/members", null, null, Member, "shared", 0, null },
        { "get_member", "GET", "/v2/images/{id}/members/" + Member, null, null, Owner, "private", 404, "Only shared images have members." },
        { "get_member", "GET", "/v2/images/{id}/members/" + Member, null, null, Member, "shared", 0, null },
        { "add_member", "POST", "/v2/images/{id}/members", "{\"member\": \"project-d\"}", "application/json", Member, "shared", 403, $"Not allowed to create members for image {ImageId}." },
        { "add_member", "POST", "/v2/images/{id}/members", "{\"membr\": 1}", "application/json", Owner, "shared", 400, "Member to be added not specified" },
        { "add_member", "POST", "/v2/images/{id}/members", "{\"member\": \"project-d\"}", "application/json", Owner, "shared", 0, null },
        { "modify_member", "PUT", "/v2/images/{id}/members/" + Member, "{\"status\": \"accepted\"}", "application/json", Owner, "shared", 403, $"Not allowed to update members for image {ImageId}." },
        { "modify_member", "PUT", "/v2/images/{id}/members/" + Member, "{\"status\": \"accepted\"}", "application/json", Member, "shared", 0, null },
        { "delete_member", "DELETE", "/v2/images/{id}/members/" + Member, null, null, Member, "shared", 403, $"Not allowed to delete members for image {ImageId}." },
        { "delete_member", "DELETE", "/v2/images/{id}/members/" + Member, null, null, Owner, "shared", 0, null },
        { "add_image", "POST", "/v2/images", "{\"name\": \"x\", \"owner\": \"project-x\"}", "application/json", Member, "shared", 403, "You are not permitted to create images owned by 'project-x'." },
        { "add_image", "POST", "/v2/images", "{\"name\": \"x\"}", "application/json", Owner, "shared", 0, null },
        { "import_image", "POST", "/v2/images/{id}/import", "{\"method\": {\"name\": \"glance-direct\"}}", "application/json", Stranger, "private", 404, $"No image found with ID {ImageId}" },
        { "stage_image", "PUT", "/v2/images/{id}/stage", "data", "application/octet-stream", Stranger, "private", 404, $"No image found with ID {ImageId}" },
        { "delete_from_store", "DELETE", "/v2/stores/file1/{id}", null, null, Stranger, "private", 404, null },
        { "add_task", "POST", "/v2/tasks", "{}", "application/json", Owner, "shared", 403, "You are not authorized to complete tasks_api_access action." },
        { "add_task", "POST", "/v2/tasks", "{}", "application/json", Admin, "shared", 0, null },
        { "get_tasks", "GET", "/v2/tasks", null, null, Owner, "shared", 403, "You are not authorized to complete tasks_api_access action." },
        { "get_task", "GET", "/v2/tasks/0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d", null, null, Owner, "shared", 403, "You are not authorized to complete tasks_api_access action." },
        { "delete_task", "DELETE", "/v2/tasks/0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d", null, null, Admin, "shared", 0, null },
        { "get_task_info", "GET", "/v2/images/{id}/tasks", null, null, Stranger, "private", 404, "The resource could not be found." },
        { "get_task_info", "GET", "/v2/images/{id}/tasks", null, null, Owner, "private", 0, null },
        { "stores_info_detail", "GET", "/v2/info/stores/detail", null, null, Owner, "shared", 403, "You are not authorized to complete stores_info_detail action." },
        { "stores_info_detail", "GET", "/v2/info/stores/detail", null, null, Admin, "shared", 0, null },
        { "get_cache_state", "GET", "/v2/cache", null, null, Owner, "shared", 403, "You are not authorized to complete cache_list action." },
        { "clear_cache", "DELETE", "/v2/cache", null, null, Admin, "shared", 0, null },
        { "delete_cache_entry", "DELETE", "/v2/cache/{id}", null, null, Owner, "shared", 403, "You are not authorized to complete cache_delete action." },
        { "queue_image", "PUT", "/v2/cache/{id}", null, null, Owner, "shared", 403, "You are not authorized to complete cache_image action." },
        { "queue_image", "PUT", "/v2/cache/{id}", null, null, Admin, "shared", 0, null },
        { "modify_image", "PATCH", "/v2/images/{id}", "[{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"public\"}]", "application/openstack-images-v2.1-json-patch", Owner, "shared", 403, "You are not authorized to complete publicize_image action." },
        { "modify_image", "PATCH", "/v2/images/{id}", "[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"n\"}]", "application/json", Owner, "shared", 415, null },
        { "modify_image", "PATCH", "/v2/images/{id}", "[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"n\"}]", "application/openstack-images-v2.1-json-patch", Owner, "shared", 0, null },
        { "list_metadef_resource_types", "GET", "/v2/metadefs/resource_types", null, null, Owner, "shared", 0, null },
        { "get_metadef_namespaces", "GET", "/v2/metadefs/namespaces?limit=2&sort_dir=up", null, null, Owner, "private", 400, "Invalid sort direction: up" },
        { "get_metadef_namespaces", "GET", "/v2/metadefs/namespaces?limit=2", null, null, Stranger, "private", 0, null },
        { "add_metadef_namespace", "POST", "/v2/metadefs/namespaces", "{\"namespace\": \"n\"}", "application/json", Owner, "private", 403, "You are not authorized to complete add_metadef_namespace action." },
        { "add_metadef_namespace", "POST", "/v2/metadefs/namespaces", "{\"namespace\": \"n\", \"self\": \"x\"}", "application/json", Admin, "private", 403, "Attribute 'self' is read-only." },
        { "add_metadef_namespace", "POST", "/v2/metadefs/namespaces", "{\"namespace\": \"n\", \"tags\": [{\"name\": \"t\"}]}", "application/json", Admin, "private", 0, null },
        { "get_metadef_namespace", "GET", "/v2/metadefs/namespaces/" + Namespace, null, null, Stranger, "private", 404, "The resource could not be found." },
        { "get_metadef_namespace", "GET", "/v2/metadefs/namespaces/missing", null, null, Owner, "private", 404, "Metadata definition namespace=missing was not found." },
        { "get_metadef_namespace", "GET", "/v2/metadefs/namespaces/" + Namespace, null, null, Stranger, "public", 0, null },
        { "get_metadef_objects", "GET", "/v2/metadefs/namespaces/" + Namespace + "/objects", null, null, Stranger, "private", 404, $"Namespace {Namespace} not found" },
        { "get_metadef_objects", "GET", "/v2/metadefs/namespaces/missing/objects", null, null, Owner, "private", 404, "Metadata definition namespace=missing was not found." },
        { "get_metadef_objects", "GET", "/v2/metadefs/namespaces/" + Namespace + "/objects", null, null, Owner, "private", 0, null },
        { "get_metadef_properties", "GET", "/v2/metadefs/namespaces/" + Namespace + "/properties", null, null, Stranger, "private", 404, $"Namespace {Namespace} not found" },
        { "get_metadef_properties", "GET", "/v2/metadefs/namespaces/" + Namespace + "/properties", null, null, Stranger, "public", 0, null },
        { "get_metadef_tags", "GET", "/v2/metadefs/namespaces/" + Namespace + "/tags?limit=-1", null, null, Owner, "private", 400, "limit param must be positive" },
        { "get_metadef_tags", "GET", "/v2/metadefs/namespaces/missing/tags", null, null, Owner, "private", 404, "Namespace missing not found" },
        { "get_metadef_tags", "GET", "/v2/metadefs/namespaces/" + Namespace + "/tags?limit=0", null, null, Owner, "private", 0, null },
        { "get_metadef_object", "GET", "/v2/metadefs/namespaces/missing/objects/o", null, null, Owner, "private", 404, "Metadata definition namespace=missing was not found." },
        { "get_metadef_object", "GET", "/v2/metadefs/namespaces/" + Namespace + "/objects/o", null, null, Stranger, "public", 0, null },
        { "get_metadef_property", "GET", "/v2/metadefs/namespaces/" + Namespace + "/properties/p", null, null, Stranger, "private", 404, $"Namespace {Namespace} not found" },
        { "get_metadef_property", "GET", "/v2/metadefs/namespaces/" + Namespace + "/properties/p", null, null, Owner, "private", 0, null },
        { "get_metadef_tag", "GET", "/v2/metadefs/namespaces/" + Namespace + "/tags/t", null, null, Stranger, "private", 404, $"Namespace {Namespace} not found" },
        { "get_metadef_tag", "GET", "/v2/metadefs/namespaces/" + Namespace + "/tags/t", null, null, Stranger, "public", 0, null },
        { "delete_metadef_namespace", "DELETE", "/v2/metadefs/namespaces/" + Namespace, null, null, Owner, "private", 403, "You are not authorized to complete delete_metadef_namespace action." },
        { "delete_metadef_namespace", "DELETE", "/v2/metadefs/namespaces/" + Namespace, null, null, Admin, "private", 0, null },
        { "delete_metadef_namespace_objects", "DELETE", "/v2/metadefs/namespaces/" + Namespace + "/objects", null, null, Owner, "private", 403, "You are not authorized to complete delete_metadef_namespace action." },
        { "delete_metadef_namespace_objects", "DELETE", "/v2/metadefs/namespaces/" + Namespace + "/objects", null, null, Admin, "private", 0, null },
        { "delete_metadef_namespace_properties", "DELETE", "/v2/metadefs/namespaces/missing/properties", null, null, Admin, "private", 404, "Namespace missing not found" },
        { "delete_metadef_namespace_properties", "DELETE", "/v2/metadefs/namespaces/" + Namespace + "/properties", null, null, Admin, "private", 0, null },
        { "delete_metadef_tags", "DELETE", "/v2/metadefs/namespaces/" + Namespace + "/tags", null, null, Stranger, "private", 404, $"Namespace {Namespace} not found" },
        { "delete_metadef_tags", "DELETE", "/v2/metadefs/namespaces/" + Namespace + "/tags", null, null, Admin, "private", 0, null },
        { "delete_metadef_object", "DELETE", "/v2/metadefs/namespaces/missing/objects/o", null, null, Admin, "private", 404, "Metadata definition namespace=missing was not found." },
        { "delete_metadef_object", "DELETE", "/v2/metadefs/namespaces/" + Namespace + "/objects/o", null, null, Admin, "private", 0, null },
        { "remove_metadef_property", "DELETE", "/v2/metadefs/namespaces/" + Namespace + "/properties/p", null, null, Owner, "private", 403, "You are not authorized to complete remove_metadef_property action." },
        { "remove_metadef_property", "DELETE", "/v2/metadefs/namespaces/" + Namespace + "/properties/p", null, null, Admin, "private", 0, null },
        { "delete_metadef_tag", "DELETE", "/v2/metadefs/namespaces/" + Namespace + "/tags/t", null, null, Stranger, "private", 404, $"Namespace {Namespace} not found" },
        { "delete_metadef_tag", "DELETE", "/v2/metadefs/namespaces/" + Namespace + "/tags/t", null, null, Admin, "private", 0, null },
        { "remove_metadef_resource_type_association", "DELETE", "/v2/metadefs/namespaces/" + Namespace + "/resource_types/OS::Glance::Image", null, null, Owner, "public", 403, "You are not authorized to complete remove_metadef_resource_type_association action." },
        { "remove_metadef_resource_type_association", "DELETE", "/v2/metadefs/namespaces/" + Namespace + "/resource_types/OS::Glance::Image", null, null, Admin, "private", 0, null },
        { "modify_metadef_namespace", "PUT", "/v2/metadefs/namespaces/" + Namespace, "{\"namespace\": \"n\"}", "application/json", Owner, "private", 403, "You are not authorized to complete modify_metadef_namespace action." },
        { "modify_metadef_namespace", "PUT", "/v2/metadefs/namespaces/" + Namespace, "{\"namespace\": \"n\"}", "application/json", Stranger, "private", 404, $"Namespace {Namespace} not found" },
        { "modify_metadef_namespace", "PUT", "/v2/metadefs/namespaces/" + Namespace, "{\"namespace\": \"n\"}", "application/json", Admin, "private", 0, null },
        { "add_metadef_object", "POST", "/v2/metadefs/namespaces/missing/objects", "{\"name\": \"o\"}", "application/json", Admin, "private", 404, "Metadata definition namespace=missing was not found." },
        { "add_metadef_object", "POST", "/v2/metadefs/namespaces/" + Namespace + "/objects", "{\"name\": \"o\"}", "application/json", Admin, "private", 0, null },
        { "modify_metadef_object", "PUT", "/v2/metadefs/namespaces/" + Namespace + "/objects/o", "{\"name\": \"o\"}", "application/json", Owner, "public", 403, "You are not authorized to complete modify_metadef_object action." },
        { "modify_metadef_object", "PUT", "/v2/metadefs/namespaces/" + Namespace + "/objects/o", "{\"name\": \"o\"}", "application/json", Admin, "private", 0, null },
        { "add_metadef_property", "POST", "/v2/metadefs/namespaces/" + Namespace + "/properties", "{\"name\": \"p\", \"title\": \"p\", \"type\": \"string\"}", "application/json", Owner, "private", 403, "You are not authorized to complete add_metadef_property action." },
        { "add_metadef_property", "POST", "/v2/metadefs/namespaces/" + Namespace + "/properties", "{\"name\": \"p\", \"title\": \"p\", \"type\": \"string\"}", "application/json", Admin, "private", 0, null },
        { "modify_metadef_property", "PUT", "/v2/metadefs/namespaces/" + Namespace + "/properties/p", "{\"name\": \"p\", \"title\": \"p\", \"type\": \"string\", \"created_at\": \"x\"}", "application/json", Admin, "private", 403, "Attribute 'created_at' is read-only." },
        { "modify_metadef_property", "PUT", "/v2/metadefs/namespaces/" + Namespace + "/properties/p", "{\"name\": \"p\", \"title\": \"p\", \"type\": \"string\"}", "application/json", Admin, "private", 0, null },
        { "add_metadef_tag", "POST", "/v2/metadefs/namespaces/" + Namespace + "/tags/t", null, null, Stranger, "private", 404, $"Namespace {Namespace} not found" },
        { "add_metadef_tag", "POST", "/v2/metadefs/namespaces/" + Namespace + "/tags/t", null, null, Admin, "private", 0, null },
        { "modify_metadef_tag", "PUT", "/v2/metadefs/namespaces/" + Namespace + "/tags/t", "{\"name\": \"t2\"}", "application/json", Owner, "private", 403, "You are not authorized to complete modify_metadef_tag action." },
        { "modify_metadef_tag", "PUT", "/v2/metadefs/namespaces/" + Namespace + "/tags/t", "{\"name\": \"t2\"}", "application/json", Admin, "private", 0, null },
        { "add_metadef_tags", "POST", "/v2/metadefs/namespaces/" + Namespace + "/tags", "{\"tags\": [{\"name\": \"a\"}]}", "application/json", Owner, "public", 403, "You are not authorized to complete add_metadef_tags action." },
        { "add_metadef_tags", "POST", "/v2/metadefs/namespaces/" + Namespace + "/tags", "[]", "application/json", Admin, "private", 500, "The server has either erred or is incapable of performing the requested operation." },
        { "add_metadef_tags", "POST", "/v2/metadefs/namespaces/" + Namespace + "/tags", "{\"tags\": [{\"name\": \"a\"}]}", "application/json", Admin, "private", 0, null },
        { "add_metadef_resource_type_association", "POST", "/v2/metadefs/namespaces/" + Namespace + "/resource_types", "{\"name\": \"OS::Glance::Image\"}", "application/json", Owner, "public", 403, "You are not authorized to complete add_metadef_resource_type_association action." },
        { "add_metadef_resource_type_association", "POST", "/v2/metadefs/namespaces/" + Namespace + "/resource_types", null, null, Admin, "private", 400, "Body expected in request." },
        { "add_metadef_resource_type_association", "POST", "/v2/metadefs/namespaces/" + Namespace + "/resource_types", "{\"name\": \"OS::Glance::Image\"}", "application/json", Admin, "private", 0, null },
        { "list_metadef_namespace_resource_types", "GET", "/v2/metadefs/namespaces/" + Namespace + "/resource_types", null, null, Stranger, "private", 404, $"Namespace {Namespace} not found" },
        { "list_metadef_namespace_resource_types", "GET", "/v2/metadefs/namespaces/" + Namespace + "/resource_types", null, null, Stranger, "public", 0, null },
    };

    [Fact]
    public void EveryRegisteredOperation_HasItsCasesHere()
    {
        var covered = Cases.Select(row => (string)row[0]).ToHashSet();

        Assert.All(EdgeOperations.All, op => Assert.Contains(op.Name, covered));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Enforce_RefusalAnsweredByTheStep_AllowGoesOn(
        string operation, string method, string path, string? body, string? contentType, string project, string visibility, int status, string? words)
    {
        _facts.Image = new ImageFacts(ImageId, visibility, Owner);
        _facts.Namespace = new NamespaceFacts(Namespace, Owner, visibility, false);
        var (context, nextCalled) = await RunAsync(method, path, body, contentType, project, EdgeMode.Enforce);

        var edge = EdgeRequestFeature.Of(context)!;
        Assert.Equal(operation, edge.Operation);
        Assert.Equal(status == 0, nextCalled());
        Assert.Equal(status == 0, edge.Decision!.IsAllowed);
        if (status != 0)
        {
            Assert.Equal(status, context.Response.StatusCode);
            Assert.Equal(status, edge.Decision.StatusCode);
            var answer = Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
            Assert.Contains(words ?? string.Empty, answer, StringComparison.Ordinal);
        }
    }

    // Glance follows a schema 400's first line with jsonschema's report, which the edge does not
    // write: the refusal is recorded (deny, 400) and the request forwarded for the backend to answer.
    [Theory]
    [InlineData("POST", "/v2/metadefs/namespaces", "{\"namespace\": \"n\", \"visibility\": \"shared\"}", Admin)]
    [InlineData("PUT", "/v2/metadefs/namespaces/" + Namespace, "{\"namespace\": 5}", Owner)]
    [InlineData("POST", "/v2/metadefs/namespaces/" + Namespace + "/objects", "{\"name\": \"o\", \"properties\": {\"p\": {\"title\": \"p\", \"type\": \"string\", \"x\": 1}}}", Stranger)]
    [InlineData("POST", "/v2/metadefs/namespaces/" + Namespace + "/tags/ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt", null, Owner)]
    public async Task Enforce_ASchemaRefusal_IsRecordedAndForwardedForTheBackendToWord(string method, string path, string? body, string project)
    {
        _facts.Namespace = new NamespaceFacts(Namespace, Owner, "private", false);

        var (context, nextCalled) = await RunAsync(method, path, body, body is null ? null : "application/json", project, EdgeMode.Enforce);

        Assert.True(nextCalled());
        var edge = EdgeRequestFeature.Of(context)!;
        Assert.Equal((EdgeMode.Enforce, false, 400, true), (edge.Mode, edge.Decision!.IsAllowed, edge.Decision.StatusCode, edge.Forwarded));
        Assert.StartsWith("Provided object does not match schema '", edge.Decision.Explanation, StringComparison.Ordinal);
        Assert.Equal(200, context.Response.StatusCode);
    }

    [Fact]
    public async Task Shadow_ARefusalIsRecordedButTheRequestGoesOn()
    {
        _facts.Image = new ImageFacts(ImageId, "private", Owner);

        var (context, nextCalled) = await RunAsync("GET", "/v2/images/{id}", null, null, Stranger, EdgeMode.Shadow);

        Assert.True(nextCalled());
        var edge = EdgeRequestFeature.Of(context)!;
        Assert.Equal((EdgeMode.Shadow, 404, true), (edge.Mode, edge.Decision!.StatusCode, edge.Forwarded));
        Assert.Equal(200, context.Response.StatusCode);
    }

    [Fact]
    public async Task Off_NothingIsReadOrDecided()
    {
        _facts.Image = new ImageFacts(ImageId, "private", Owner);

        var (context, nextCalled) = await RunAsync("GET", "/v2/images/{id}", null, null, Stranger, EdgeMode.Off);

        Assert.True(nextCalled());
        Assert.Equal(0, _facts.Reads);
        var edge = EdgeRequestFeature.Of(context)!;
        Assert.Equal((EdgeMode.Off, true, true), (edge.Mode, edge.Decision is null, edge.Forwarded));
    }

    [Fact]
    public async Task BodyWhereTheActionTakesNone_Is400BeforeAnyRead()
    {
        _facts.Image = new ImageFacts(ImageId, "private", Owner);

        var (context, nextCalled) = await RunAsync("DELETE", "/v2/images/{id}", "{}", "application/json", Owner, EdgeMode.Enforce);

        Assert.False(nextCalled());
        Assert.Equal((400, 0), (context.Response.StatusCode, _facts.Reads));
        Assert.Equal("BodyNotExpected", EdgeRequestFeature.Of(context)!.Decision!.Reason);
    }

    [Fact]
    public async Task JsonBodyLargerThanTheEdgeReads_IsForwardedUndecided()
    {
        _facts.Image = new ImageFacts(ImageId, "shared", Owner);
        var body = "{\"member\": \"" + new string('m', EdgeRequestBody.MaxBytes) + "\"}";

        var (context, nextCalled) = await RunAsync("POST", "/v2/images/{id}/members", body, "application/json", Stranger, EdgeMode.Enforce);

        Assert.True(nextCalled());
        Assert.Null(EdgeRequestFeature.Of(context)!.Decision);
        Assert.Equal(0, _facts.Reads);
    }

    [Fact]
    public async Task ABodyTheStepRead_IsForwardedFromItsFirstByte()
    {
        _facts.Image = new ImageFacts(ImageId, "shared", Owner);
        const string body = "{\"member\": \"project-d\"}";

        var (context, nextCalled) = await RunAsync("POST", "/v2/images/{id}/members", body, "application/json", Owner, EdgeMode.Enforce);

        Assert.True(nextCalled());
        Assert.Equal(body, await new StreamReader(context.Request.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task FactsUnavailable_Is503_NotAnException()
    {
        _facts.Unavailable = true;

        var (context, nextCalled) = await RunAsync("GET", "/v2/images/{id}", null, null, Owner, EdgeMode.Enforce);

        Assert.False(nextCalled());
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Null(EdgeRequestFeature.Of(context)!.Decision);
    }

    [Fact]
    public async Task HostedStore_FactsReadLessThanTheCachePeriodAgo_DecideAnAllowWithoutARead()
    {
        _facts.Image = new ImageFacts(ImageId, "private", Owner);
        _cacheSeconds = 60;

        var (_, first) = await RunAsync("GET", "/v2/images/{id}", null, null, Owner, EdgeMode.Enforce);
        var (_, second) = await RunAsync("GET", "/v2/images/{id}", null, null, Owner, EdgeMode.Enforce);

        Assert.True(first() && second());
        Assert.Equal(1, _facts.Reads);
    }

    [Fact]
    public async Task HostedStore_ARefusalOnCachedFacts_IsDecidedAgainOnAFreshRead()
    {
        _facts.Image = new ImageFacts(ImageId, "private", Owner);
        _cacheSeconds = 60;
        await RunAsync("GET", "/v2/images/{id}", null, null, Owner, EdgeMode.Enforce);
        _facts.Image = _facts.Image with { Visibility = "public" }; // changed elsewhere (another replica)

        var (context, nextCalled) = await RunAsync("GET", "/v2/images/{id}", null, null, Stranger, EdgeMode.Enforce);

        Assert.True(nextCalled());
        Assert.True(EdgeRequestFeature.Of(context)!.Decision!.IsAllowed);
        Assert.Equal(2, _facts.Reads);
    }

    [Fact]
    public async Task NamespaceFactsUnavailable_Is503_NotAnException()
    {
        _facts.Unavailable = true;

        var (context, nextCalled) = await RunAsync("GET", "/v2/metadefs/namespaces/" + Namespace + "/properties", null, null, Owner, EdgeMode.Enforce);

        Assert.False(nextCalled());
        Assert.Equal((503, 1), (context.Response.StatusCode, _facts.Reads));
        Assert.Null(EdgeRequestFeature.Of(context)!.Decision);
    }

    [Fact]
    public async Task NamespaceOperation_ReadsTheNamespaceOnly()
    {
        _facts.Namespace = new NamespaceFacts(Namespace, Owner, "public", false);

        var (context, nextCalled) = await RunAsync("GET", "/v2/metadefs/namespaces/" + Namespace, null, null, Stranger, EdgeMode.Enforce);

        Assert.True(nextCalled());
        Assert.Equal((1, 0), (_facts.NamespaceReads, _facts.Reads - _facts.NamespaceReads));
        Assert.Equal("get_metadef_namespace", EdgeRequestFeature.Of(context)!.Decision!.PolicyRule);
    }

    [Fact]
    public async Task Candidate_RefusingWhatTheLiveRulesAllow_IsRecordedBesideTheAllow_AndTheAnswerIsTheLiveOne()
    {
        _facts.Image = new ImageFacts(ImageId, "private", Owner);
        _candidate = PolicyRules.Build(PolicyMode.Legacy, PolicyFile.Parse("get_image: role:admin"), "candidate.yaml");

        var (context, nextCalled) = await RunAsync("GET", "/v2/images/{id}", null, null, Owner, EdgeMode.Enforce);

        var edge = EdgeRequestFeature.Of(context)!;
        Assert.True(nextCalled());
        Assert.True(edge.Decision!.IsAllowed);
        Assert.Equal((false, 404, "get_image"), (edge.Candidate!.IsAllowed, edge.Candidate.StatusCode, edge.Candidate.PolicyRule));
        Assert.Same(_candidate, edge.CandidateRules);
        Assert.Equal(Owner, edge.Input!.Caller.ProjectId);
        Assert.Null(edge.Input.Body);
    }

    [Fact]
    public async Task NoCandidate_NothingIsDecidedTwice()
    {
        _facts.Image = new ImageFacts(ImageId, "private", Owner);

        var (context, _) = await RunAsync("GET", "/v2/images/{id}", null, null, Stranger, EdgeMode.Enforce);

        var edge = EdgeRequestFeature.Of(context)!;
        Assert.False(edge.Decision!.IsAllowed);
        Assert.Null(edge.Candidate);
        Assert.Equal(_facts.Image, edge.Input!.Image);
    }

    private async Task<(HttpContext Context, Func<bool> NextCalled)> RunAsync(
        string method, string path, string? body, string? contentType, string project, EdgeMode mode)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = method;
        var target = path.Replace("{id}", ImageId, StringComparison.Ordinal);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = question < 0 ? target : target[..question];
        context.Request.QueryString = question < 0 ? QueryString.Empty : new QueryString(target[question..]);
        context.Response.Body = new MemoryStream();
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Request.ContentType = contentType;
        }

        var routing = GlanceRoutes.Resolve(RequestTarget.Of(context), method);
        context.Features.Set(routing);
        EdgeRequestFeature.Attach(context, routing);
        string[] roles = project == Admin ? ["admin", "member", "reader"] : ["member", "reader"];
        context.Features.Set<ICallerFeature>(new CallerFeature(
            new CallerIdentity("user-" + project, null, project, null, roles, false, DateTimeOffset.MaxValue), Glance.Gateway.TokenCache.TokenCacheResult.L1, 0));
        var destination = new DestinationState("store", new DestinationModel(new DestinationConfig { Address = Store.ToString() }));
        context.Features.Set<IReverseProxyFeature>(new ReverseProxyFeature
        {
            Route = null!,
            Cluster = new ClusterModel(new ClusterConfig { ClusterId = "glance" }, new HttpMessageInvoker(new SocketsHttpHandler())),
            AllDestinations = [destination],
            AvailableDestinations = [destination],
        });

        var called = false;
        await Step(mode).InvokeAsync(context, () =>
        {
            called = true;
            return Task.CompletedTask;
        });
        context.Request.Body.Position = 0;
        return (context, () => called);
    }

    private EdgeDecisionStep Step(EdgeMode mode)
    {
        var backend = Options.Create(new BackendOptions { MetadataCacheSeconds = _cacheSeconds });
        var cache = _cache ??= new ImageFactsCache(backend, TimeProvider.System);
        var metrics = new GatewayMetrics(_services.GetRequiredService<IMeterFactory>());
        var metadata = new ImageMetadataClient(backend, new BackendHttpClients(backend, _services, NullLoggerFactory.Instance), cache, metrics);
        var address = new ImageStoreAddress { Current = Store, Facts = _facts, NamespaceFacts = _facts };
        // Every operation enforced (some default to Shadow), but the two the mode tests run in.
        var options = new EdgePolicyOptions();
        foreach (var operation in EdgeOperations.All)
        {
            options.Operations[operation.Name] = EdgeMode.Enforce;
        }

        options.Operations["get_image"] = mode;
        options.Operations["add_member"] = mode;
        var modes = new EdgePolicyModes(new StaticMonitor(options), NullLogger<EdgePolicyModes>.Instance);
        return new EdgeDecisionStep(new EdgeFactsReader(metadata, cache, address), modes, new PolicyRulesHolder(PolicyRules.Defaults(PolicyMode.Legacy)), new Glance.Gateway.Policy.CandidatePolicy(_candidate), NullLogger<EdgeDecisionStep>.Instance);
    }

    // The store's reader contracts over one image (its member list is the member project) and one namespace.
    private sealed class FactsReader : IImageFactsReader, INamespaceFactsReader
    {
        public ImageFacts? Image { get; set; }

        public NamespaceFacts? Namespace { get; set; }

        public int NamespaceReads { get; private set; }

        public bool Unavailable { get; set; }

        public int Reads { get; private set; }

        public Task<(ImageFacts? Image, bool IsMember)> ReadAsync(string imageId, string? member, CancellationToken cancellationToken)
        {
            Reads++;
            if (Unavailable)
            {
                throw new ImageFactsUnavailableException("the database is down");
            }

            var image = Image is { } known && known.Id == imageId ? known : null;
            return Task.FromResult((image, image is not null && member == Member));
        }

        public Task<NamespaceFacts?> ReadNamespaceAsync(string name, CancellationToken cancellationToken)
        {
            Reads++;
            NamespaceReads++;
            if (Unavailable)
            {
                throw new ImageFactsUnavailableException("the database is down");
            }

            return Task.FromResult(Namespace is { } known && known.Namespace == name ? known : null);
        }
    }

    private sealed class StaticMonitor(EdgePolicyOptions value) : IOptionsMonitor<EdgePolicyOptions>
    {
        public EdgePolicyOptions CurrentValue => value;

        public EdgePolicyOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<EdgePolicyOptions, string?> listener) => null;
    }
}
