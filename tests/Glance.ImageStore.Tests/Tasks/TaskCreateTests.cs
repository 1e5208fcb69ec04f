using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;
using static Glance.ImageStore.Tests.Import.ImportTestKit;

namespace Glance.ImageStore.Tests.Tasks;

/// <summary>
/// <c>POST /v2/tasks</c> as Glance 25.1 answers it (the explanations are those a real Glance 25.1
/// answered with its defaults): the deserializer's 400s, the <c>import_from</c> checks, the 201
/// with its Location, and what the executor then makes of an <c>import</c> task (its input checks,
/// the image made from <c>image_properties</c>, the data fetched from <c>import_from</c>).
/// </summary>
public abstract partial class TaskCreateTests(StoreFixture fixture)
{
    // Passes Glance's default filter (http, port 80, an address that is neither loopback nor
    // link-local) without any lookup; nothing is fetched from it in the tests that use it.
    private const string Unfetched = "http://192.0.2.1/image";

    private static string EnumType(string repr) => $"Provided object does not match schema 'task': {repr} is not one of ['import', 'api_image_import']\n\n"
        + "Failed validating 'enum' in schema['properties']['type']:\n    {'description': 'The type of task represented by this content',\n"
        + $"     'enum': ['import', 'api_image_import'],\n     'type': 'string'}}\n\nOn instance['type']:\n    {repr}";

    public static TheoryData<string?, string> Refusals => new()
    {
        { null, "Body expected in request." },
        { "nojson", "Malformed JSON in request body." },
        { "\"typeinput\"", "Unexpected body type. Expected list/dict." },
        { "[]", "Task 'type' is required" },
        { "{\"input\": {}}", "Task 'type' is required" },
        { "{\"type\": \"import\"}", "Task 'input' is required" },
        { "{\"type\": \"foo\", \"input\": {}}", EnumType("'foo'") },
        { "{\"type\": 5, \"input\": {}}", EnumType("5") },
        {
            "{\"type\": \"import\", \"input\": 5}",
            "Provided object does not match schema 'task': 5 is not of type 'null', 'object'\n\nFailed validating 'type' in schema['properties']['input']:\n"
            + "    {'description': 'The parameters required by task, JSON blob',\n     'type': ['null', 'object']}\n\nOn instance['input']:\n    5"
        },
        { "{\"type\": \"import\", \"input\": null}", "Invalid location: None" },
        { "{\"type\": \"import\", \"input\": {}}", "Invalid location: None" },
        { "{\"type\": \"import\", \"input\": {\"import_from\": \"\"}}", "Invalid location: " },
        { "{\"type\": \"import\", \"input\": {\"import_from\": \"file:///etc/passwd\"}}", "File based imports are not allowed. Please use a non-local source of image data." },
        { "{\"type\": \"import\", \"input\": {\"import_from\": \"ftp://x/y\"}}", "The given uri is not valid. Please specify a valid uri from the following list of supported uri ['http']" },
        { "{\"type\": \"import\", \"input\": {\"import_from\": \"http://127.0.0.1:1/y\"}}", "URI for legacy import task does not pass filtering: http://127.0.0.1:1/y" },
        { "{\"type\": \"import\", \"input\": {\"import_from\": \"http://127.0.0.1/y\"}}", "URI for legacy import task does not pass filtering: http://127.0.0.1/y" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Create_BadBodyOrImportFrom_400WithGlancesExplanation(string? body, string explanation)
    {
        using var response = await Admin.SendAsync(HttpMethod.Post, "v2/tasks", body is null ? null : Json(body), accept: "application/json");
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(explanation + "<br /><br />\n\n\n", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]);
    }

    // Bodies the task schema refuses, each message compared with the one Glance's own
    // get_task_schema().validate gives (its jsonschema and pprint, run once for all of them).
    private static readonly string[] SchemaRefusedBodies =
    [
        "{\"type\": [\"import\"], \"input\": {}}",
        "{\"type\": {\"b\": 1, \"a\": 2}, \"input\": {}}",
        "{\"type\": \"import\", \"input\": \"x\"}",
        "{\"type\": \"import\", \"input\": {}, \"status\": \"bogus\"}",
        "{\"type\": \"import\", \"input\": {}, \"status\": 5}",
        "{\"type\": \"import\", \"input\": {}, \"id\": \"abc\"}",
        "{\"type\": \"import\", \"input\": {}, \"id\": 5}",
        "{\"type\": \"import\", \"input\": {}, \"owner\": 5}",
        "{\"type\": \"import\", \"input\": {}, \"message\": [1]}",
        "{\"type\": \"import\", \"input\": {}, \"expires_at\": 5}",
        "{\"type\": \"import\", \"input\": {}, \"result\": \"x\"}",
        "{\"type\": \"import\", \"input\": {}, \"self\": true}",
        "{\"type\": \"import\", \"input\": {}, \"owner\": 5, \"status\": \"bogus\"}",
        "{\"type\": \"import\", \"input\": {}, \"extra\": 1}",
        "{\"type\": 5, \"input\": {}, \"zzz\": 1, \"aaa\": [1, 2]}",
        "{\"type\": \"import\", \"input\": {\"import_from\": \"http://example.com/some/long/path/image.qcow2\"}, \"zzz\": 1, \"aaa\": [1, 2]}",
    ];

    private static readonly Lazy<Dictionary<string, string>> GlanceSchemaMessages = new(() =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(TasksTests.RunPython(
            "import json, sys\nfrom glance.api.v2 import tasks\nfrom glance.common import exception\nout = {}\n"
            + "for body in sys.argv[1:]:\n    try:\n        tasks.get_task_schema().validate(json.loads(body))\n        out[body] = 'valid'\n"
            + "    except exception.InvalidObject as e:\n        out[body] = e.msg\nsys.stdout.write(json.dumps(out))", SchemaRefusedBodies))!);

    public static TheoryData<string> SchemaRefused => [.. SchemaRefusedBodies];

    [Theory]
    [MemberData(nameof(SchemaRefused))]
    public async Task Create_BodyTheTaskSchemaRefuses_400WithGlancesOwnMessage(string body)
    {
        var expected = GlanceSchemaMessages.Value[body];
        Assert.NotEqual("valid", expected);
        using var response = await Admin.SendAsync(HttpMethod.Post, "v2/tasks", Json(body), accept: "application/json");
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(expected + "<br /><br />\n\n\n", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]);
    }

    [Fact]
    public async Task Create_NotAdmin_403TasksApiAccessBeforeTheBody()
    {
        using var response = await fixture.Store.Client(Caller.Project("task-create")).SendAsync(HttpMethod.Post, "v2/tasks", Json("nojson"), accept: "text/plain");
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("You are not authorized to complete tasks_api_access action.", await ErrorText.ExplanationAsync(response));
    }

    [Theory]
    [InlineData("{\"type\": \"import\", \"input\": {\"import_from\": 5}}")]
    [InlineData("{\"type\": \"api_image_import\", \"input\": null}")]
    public async Task Create_InputGlanceCannotRead_500(string body)
    {
        using var response = await Admin.SendAsync(HttpMethod.Post, "v2/tasks", Json(body), accept: "text/plain");
        Assert.Equal(500, (int)response.StatusCode);
    }

    [Fact]
    public async Task Create_ImportTask_201PendingTaskViewWithAbsoluteLocation()
    {
        var input = $"{{\"import_from\": \"{Unfetched}\"}}";
        using var response = await Admin.SendAsync(HttpMethod.Post, "v2/tasks", Json($"{{\"type\": \"import\", \"input\": {input}}}"));
        Assert.Equal(201, (int)response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var task = JsonNode.Parse(body)!.AsObject();
        var id = (string)task["id"]!;
        Assert.Equal(new Uri(fixture.Store.BaseUri, "/v2/tasks/" + id), response.Headers.Location);
        Assert.Equal(
            ["id", "input", "type", "status", "owner", "message", "result", "created_at", "updated_at", "self", "schema", "request_id", "user_id"],
            task.Select(p => p.Key));
        Assert.Equal(("import", "pending", "admin-project", "", $"/v2/tasks/{id}"),
            ((string?)task["type"], (string?)task["status"], (string?)task["owner"], (string?)task["message"], (string?)task["self"]));
        Assert.Contains($"\"input\": {input}, ", body, StringComparison.Ordinal);
        Assert.Null(task["result"]);
    }

    [Theory]
    [InlineData($"{{\"import_from\": \"{Unfetched}\"}}", "Input does not contain 'import_from_format' field")]
    [InlineData($"{{\"import_from\": \"{Unfetched}\", \"import_from_format\": \"raw\"}}", "Input does not contain 'image_properties' field")]
    [InlineData($"{{\"import_from\": \"{Unfetched}\", \"import_from_format\": \"raw\", \"image_properties\": {{}}}}", "Task failed due to Internal Error")]
    [InlineData($"{{\"import_from\": \"{Unfetched}\", \"import_from_format\": \"raw\", \"image_properties\": null}}", "Task failed due to Internal Error")]
    public async Task Import_InputGlanceRefusesWhenItRuns_TaskFailsWithItsMessageAndNoImage(string input, string message)
    {
        // The tests of one class run one after another: the admin's listing changes only by what this task leaves.
        var before = (await ImagesNamedAsync(null)).Count;
        var task = await RunAsync(Admin, "import", input);
        Assert.Equal(("failure", message), ((string?)task["status"], (string?)task["message"]));
        Assert.Null(task["result"]);
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", (string?)task["expires_at"]);
        Assert.Equal(before, (await ImagesNamedAsync(null)).Count);
    }

    [Theory]
    [InlineData("{}", "Input to api_image_import task is empty.")]
    [InlineData("{\"image\": \"x\"}", "Missing required 'image_id' field")]
    public async Task ApiImageImport_InputWithoutImage_TaskFailsWithGlancesMessage(string input, string message)
    {
        var task = await RunAsync(Admin, "api_image_import", input);
        Assert.Equal(("failure", message), ((string?)task["status"], (string?)task["message"]));
    }

    [Fact]
    public async Task Import_ServerRefusesTheConnection_UploadingFailedAndImageDeleted()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        await using var store = await LoopbackStoreAsync(port);
        var name = "refused-" + Guid.NewGuid().ToString("N");
        var task = await RunAsync(store.Client(Caller.Admin), "import", Input($"http://127.0.0.1:{port}/image", name), store);
        Assert.Equal(("failure", "Uploading the image failed due to: <urlopen error [Errno 111] ECONNREFUSED>"), ((string?)task["status"], (string?)task["message"]));
        Assert.Empty(await ImagesNamedAsync(name, store));
    }

    [Fact]
    public async Task Import_ServerAnswers404_UploadingFailedWithTheHttpError()
    {
        await using var web = await StartWebServerAsync([1, 2, 3]);
        var server = Address(web);
        await using var store = await LoopbackStoreAsync(server.Port);
        var task = await RunAsync(store.Client(Caller.Admin), "import", Input(server + "missing", "missing"), store);
        Assert.Equal(("failure", "Uploading the image failed due to: HTTP Error 404: Not Found"), ((string?)task["status"], (string?)task["message"]));
    }

    [Fact]
    public async Task Import_ServerHasTheData_TaskSucceedsWithTheActiveImage()
    {
        var data = new byte[70_000];
        new Random(7).NextBytes(data);
        await using var web = await StartWebServerAsync(data);
        var server = Address(web);
        await using var store = await LoopbackStoreAsync(server.Port);
        var admin = store.Client(Caller.Admin);
        var name = "imported-" + Guid.NewGuid().ToString("N");
        var task = await RunAsync(admin, "import", Input(server + "image", name, ", \"distro\": \"debian\""), store);
        Assert.Equal("success", (string?)task["status"]);
        var imageId = (string)task["result"]!["image_id"]!;
        var image = (await admin.GetImageAsync(imageId))!;
        Assert.Equal(("active", name, "raw", "bare", "debian", null), ((string?)image["status"], (string?)image["name"], (string?)image["disk_format"],
            (string?)image["container_format"], (string?)image["distro"], (string?)image["owner"]));
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(data)), (string?)image["os_hash_value"]);
        using var download = await admin.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file");
        Assert.Equal(data, await download.Content.ReadAsByteArrayAsync());
    }

    private StoreClient Admin => fixture.Store.Client(Caller.Admin);

    private static string Input(string uri, string name, string extra = "") =>
        $"{{\"import_from\": \"{uri}\", \"import_from_format\": \"raw\", \"image_properties\": {{\"name\": \"{name}\", \"disk_format\": \"raw\", \"container_format\": \"bare\"{extra}}}}}";

    // A store whose filter lets the loopback server of a test through (as an operator's allowed_hosts would).
    private Task<StoreInstance> LoopbackStoreAsync(int port) => StoreInstance.StartAsync(o =>
    {
        o.Import.Filtering.AllowedHosts = "127.0.0.1";
        o.Import.Filtering.AllowedPorts = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }, engine: fixture.Engine);

    // Creates the task (201) and reads it as the admin until it is no longer pending or processing; fails after 30 s.
    private async Task<JsonObject> RunAsync(StoreClient admin, string type, string input, StoreInstance? store = null)
    {
        using var created = await admin.SendAsync(HttpMethod.Post, "v2/tasks", Json($"{{\"type\": \"{type}\", \"input\": {input}}}"));
        Assert.Equal(201, (int)created.StatusCode);
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await (store?.Client(Caller.Admin) ?? Admin).SendAsync(HttpMethod.Get, "v2/tasks/" + id);
            var task = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            if ((string?)task["status"] is "success" or "failure")
            {
                return task;
            }

            Assert.True(DateTime.UtcNow < deadline, $"task {id} still running: {task.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    // The images the admin lists (all of them without a name).
    private async Task<JsonArray> ImagesNamedAsync(string? name, StoreInstance? store = null)
    {
        using var response = await (store?.Client(Caller.Admin) ?? Admin).SendAsync(HttpMethod.Get,
            name is null ? "v2/images?limit=1000" : "v2/images?name=" + Uri.EscapeDataString(name));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["images"]!.AsArray();
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class TaskCreateTests
{
    public sealed class Sqlite(StoreFixture fixture) : TaskCreateTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : TaskCreateTests(fixture), IClassFixture<PostgresStoreFixture>;
}
