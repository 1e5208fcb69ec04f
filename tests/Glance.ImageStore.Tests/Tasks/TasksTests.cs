using System.Diagnostics;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;
using static Glance.ImageStore.Tests.Import.ImportTestKit;

namespace Glance.ImageStore.Tests.Tasks;

/// <summary>
/// The tasks API as Glance 25.1 answers it (compared with a real Glance): <c>tasks_api_access</c>
/// (admin only by default), the task view, the listing's stubs, the image's task rows, the 405 of
/// a delete and the schemas.
/// </summary>
public abstract partial class TasksTests(StoreFixture fixture)
{
    private const string Denied = "You are not authorized to complete tasks_api_access action.";

    private async Task<(StoreClient Owner, string ImageId, string TaskId)> ImportedAsync()
    {
        var owner = fixture.Store.Client(Caller.Project("tasks-" + Guid.NewGuid().ToString("N")));
        var imageId = await StagedImageAsync(owner, [1, 2, 3]);
        using (var import = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/import", Json("{\"method\": {\"name\": \"glance-direct\"}}")))
        {
            Assert.Equal(202, (int)import.StatusCode);
        }

        var task = Assert.Single(await WaitForTasksAsync(owner, imageId))!;
        return (owner, imageId, (string)task["id"]!);
    }

    [Fact]
    public async Task TasksApi_NotAdmin_403TasksApiAccess()
    {
        var (owner, _, taskId) = await ImportedAsync();
        foreach (var (method, path) in new[] { (HttpMethod.Get, "v2/tasks"), (HttpMethod.Get, $"v2/tasks/{taskId}"), (HttpMethod.Delete, $"v2/tasks/{taskId}") })
        {
            using var response = await owner.SendAsync(method, path, accept: "text/plain");
            Assert.Equal(403, (int)response.StatusCode);
            Assert.Equal(Denied, await ErrorText.ExplanationAsync(response));
        }
    }

    [Fact]
    public async Task Show_Admin_GlancesTaskViewInItsOrder()
    {
        var (owner, imageId, taskId) = await ImportedAsync();
        var admin = fixture.Store.Client(Caller.Admin);
        using var response = await admin.SendAsync(HttpMethod.Get, $"v2/tasks/{taskId}");
        Assert.Equal(200, (int)response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var task = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(
            ["id", "input", "type", "status", "owner", "message", "result", "created_at", "updated_at", "self", "schema", "image_id", "request_id", "user_id", "expires_at"],
            task.Select(p => p.Key));
        Assert.Equal("success", (string?)task["status"]);
        Assert.Equal($"/v2/tasks/{taskId}", (string?)task["self"]);
        Assert.Equal(imageId, (string?)task["result"]!["image_id"]);
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", (string?)task["expires_at"]);
        Assert.Contains($"\"input\": {{\"image_id\": \"{imageId}\", \"import_req\": {{\"method\": {{\"name\": \"glance-direct\"}}}}, \"backend\": [null]}}", body, StringComparison.Ordinal);

        // The image's tasks are the database rows: Python's isoformat, deleted flags, info last.
        using var rows = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/tasks");
        var row = JsonNode.Parse(await rows.Content.ReadAsStringAsync())!["tasks"]![0]!.AsObject();
        Assert.Equal(
            ["id", "type", "status", "owner", "expires_at", "created_at", "updated_at", "deleted_at", "deleted", "image_id", "request_id", "user_id", "input", "result", "message"],
            row.Select(p => p.Key));
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?$", (string?)row["created_at"]);
    }

    [Fact]
    public async Task List_Admin_StubsWithGlancesKeysAndPaging()
    {
        var (_, _, first) = await ImportedAsync();
        var (_, _, second) = await ImportedAsync();
        var admin = fixture.Store.Client(Caller.Admin);
        using var response = await admin.SendAsync(HttpMethod.Get, "v2/tasks?limit=1");
        Assert.Equal(200, (int)response.StatusCode);
        var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        var stub = Assert.Single(page["tasks"]!.AsArray())!.AsObject();
        Assert.Equal(["id", "type", "status", "owner", "created_at", "updated_at", "self", "schema", "expires_at"], stub.Select(p => p.Key));
        Assert.Equal("/v2/tasks?limit=1", (string?)page["first"]);
        Assert.Equal($"/v2/tasks?limit=1&marker={stub["id"]}", (string?)page["next"]);

        using var all = await admin.SendAsync(HttpMethod.Get, "v2/tasks?limit=1000&sort_dir=asc");
        var ids = JsonNode.Parse(await all.Content.ReadAsStringAsync())!["tasks"]!.AsArray().Select(t => (string)t!["id"]!).ToList();
        Assert.True(ids.IndexOf(first) >= 0 && ids.IndexOf(first) < ids.IndexOf(second), string.Join(",", ids));
    }

    public static TheoryData<string, string> ListRefusals => new()
    {
        { "sort_dir=up", "Invalid sort direction: up" },
        { "status=done", "Invalid status value: done" },
        { "type=copy", "Invalid type value: copy" },
        { "marker=abc", "Invalid marker format" },
        { "limit=x", "limit param must be an integer" },
        { "limit=-1", "limit param must be positive" },
        { "marker=00000000-0000-0000-0000-000000000000", "Task with the given id 00000000-0000-0000-0000-000000000000 was not found" },
    };

    [Theory]
    [MemberData(nameof(ListRefusals))]
    public async Task List_BadQuery_400(string query, string explanation)
    {
        using var response = await fixture.Store.Client(Caller.Admin).SendAsync(HttpMethod.Get, "v2/tasks?" + query, accept: "text/plain");
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(explanation, await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task Show_Unknown_404AndDelete_405WithGlancesBody()
    {
        var admin = fixture.Store.Client(Caller.Admin);
        using (var missing = await admin.SendAsync(HttpMethod.Get, "v2/tasks/nope", accept: "text/plain"))
        {
            Assert.Equal(404, (int)missing.StatusCode);
            Assert.Equal("Could not find task nope", await ErrorText.ExplanationAsync(missing));
        }

        using var delete = await admin.SendAsync(HttpMethod.Delete, "v2/tasks/nope", accept: "*/*");
        Assert.Equal(405, (int)delete.StatusCode);
        Assert.Equal("GET", delete.Content.Headers.Allow.Single());
        Assert.Equal(
            "<html>\n <head>\n  <title>405 Method Not Allowed</title>\n </head>\n <body>\n  <h1>405 Method Not Allowed</h1>\n  This operation is currently not permitted on Glance Tasks. They are auto deleted after reaching the time based on their expires_at property.\n </body>\n</html>",
            await delete.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ImageTasks_ImageNotVisible_Bare404()
    {
        var (_, imageId, _) = await ImportedAsync();
        var stranger = fixture.Store.Client(Caller.Project("tasks-stranger"));
        using var response = await stranger.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/tasks", accept: "text/plain");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("The resource could not be found.", await ErrorText.ExplanationAsync(response));

        using var queued = await stranger.SendAsync(HttpMethod.Get, $"v2/images/{await stranger.CreateImageIdAsync()}/tasks");
        Assert.Equal("{\"tasks\": []}", await queued.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("task", "get_task_schema")]
    [InlineData("tasks", "get_collection_schema")]
    public async Task Schema_IsWhatGlancesTasksModuleServes(string name, string function)
    {
        var expected = RunPython($"import json, sys\nfrom glance.api.v2 import tasks\nsys.stdout.write(json.dumps(tasks.{function}().minimal()))");
        using var response = await fixture.Store.Client(Caller.Project("schemas")).SendAsync(HttpMethod.Get, "v2/schemas/" + name);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Runs <paramref name="code"/> with Glance's Python (its arguments after it); its standard output.</summary>
    internal static string RunPython(string code, params string[] arguments)
    {
        Assert.True(File.Exists(GlancePython.Interpreter), $"{GlancePython.Interpreter} is needed (python3-glance) to compare with Glance's schemas.");
        var start = new ProcessStartInfo(GlancePython.Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(code);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return output;
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class TasksTests
{
    public sealed class Sqlite(StoreFixture fixture) : TasksTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : TasksTests(fixture), IClassFixture<PostgresStoreFixture>;
}
