using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;
using static Glance.ImageStore.Tests.Import.ImportTestKit;

namespace Glance.ImageStore.Tests.Import;

/// <summary>
/// Stage and import as Glance 25.1 answers them (compared with a real Glance configured by
/// tests/glance/glance.sh: the messages, statuses and the image's <c>os_glance_*</c> properties
/// during and after an import are the ones it showed).
/// </summary>
public abstract partial class ImportTests(StoreFixture fixture)
{
    private StoreClient NewOwner() => fixture.Store.Client(Caller.Project("import-" + Guid.NewGuid().ToString("N")));

    [Fact]
    public async Task GlanceDirect_StageThenImport_ImageActiveAndTaskSucceeded()
    {
        var owner = NewOwner();
        var data = new byte[200 * 1024 + 3];
        new Random(7).NextBytes(data);
        var imageId = await StagedImageAsync(owner, data);

        var staged = (await owner.GetImageAsync(imageId))!;
        Assert.Equal("uploading", (string?)staged["status"]);
        Assert.Equal(data.Length, (long)staged["size"]!);
        Assert.Null(staged["checksum"]);
        Assert.True(File.Exists(Path.Combine(fixture.Store.Options.DataPath, "staging", imageId)));

        using var import = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/import", Json("{\"method\": {\"name\": \"glance-direct\"}}"));
        Assert.Equal(202, (int)import.StatusCode);
        Assert.Equal(string.Empty, await import.Content.ReadAsStringAsync());
        var requestId = import.Headers.GetValues("X-Openstack-Request-Id").Single();

        var tasks = await WaitForTasksAsync(owner, imageId);
        var task = Assert.Single(tasks)!;
        Assert.Equal("success", (string?)task["status"]);
        Assert.Equal(requestId, (string?)task["request_id"]);
        Assert.Equal("glance-direct", (string?)task["input"]!["import_req"]!["method"]!["name"]);
        Assert.Equal(imageId, (string?)task["result"]!["image_id"]);
        Assert.Equal("Copied 0 MiB", (string?)task["message"]);
        Assert.Equal("api_image_import", (string?)task["type"]);
        Assert.NotNull(task["expires_at"]);

        var image = (await owner.GetImageAsync(imageId))!;
        Assert.Equal("active", (string?)image["status"]);
        Assert.Equal(data.Length, (long)image["size"]!);
        Assert.Equal(data.Length, (long)image["virtual_size"]!);
#pragma warning disable CA5351 // Glance's checksum attribute is md5 by definition.
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), (string?)image["checksum"]);
#pragma warning restore CA5351
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(data)), (string?)image["os_hash_value"]);
        Assert.Equal(string.Empty, (string?)image["os_glance_importing_to_stores"]);
        Assert.Equal(string.Empty, (string?)image["os_glance_failed_import"]);
        Assert.Null(image["os_glance_import_task"]);
        Assert.False(File.Exists(Path.Combine(fixture.Store.Options.DataPath, "staging", imageId)));

        using var download = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file");
        Assert.Equal(data, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Import_ExtraProperties_KeepTheirPlaceBeforeGlancesOwn()
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync("{\"disk_format\": \"raw\", \"container_format\": \"bare\", \"ramdisk_id\": \"00000000-1111-2222-3333-444455556666\"}");
        using (var stage = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/stage", Octets([1, 2, 3])))
        {
            Assert.Equal(204, (int)stage.StatusCode);
        }

        using (var import = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/import", Json("{\"method\": {\"name\": \"glance-direct\"}}")))
        {
            Assert.Equal(202, (int)import.StatusCode);
        }

        await WaitForTasksAsync(owner, imageId);
        using var show = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}");
        var body = await show.Content.ReadAsStringAsync();
        Assert.StartsWith("{\"ramdisk_id\": \"00000000-1111-2222-3333-444455556666\", \"os_glance_importing_to_stores\": \"\", \"os_glance_failed_import\": \"\", \"name\": null", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stage_Refusals_AreGlances()
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync();

        using (var noType = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/stage", new ByteArrayContent([1]), accept: "text/plain"))
        {
            Assert.Equal(415, (int)noType.StatusCode);
            Assert.Equal("The request media type text/plain is not supported by this server.", (await ErrorText.ExplanationAsync(noType)).Trim());
        }

        using (var missing = await owner.SendAsync(HttpMethod.Put, "v2/images/00000000-0000-0000-0000-000000000000/stage", Octets([1]), accept: "text/plain"))
        {
            Assert.Equal(404, (int)missing.StatusCode);
            Assert.Equal("No image found with ID 00000000-0000-0000-0000-000000000000", await ErrorText.ExplanationAsync(missing));
        }

        using (var stranger = await NewOwner().SendAsync(HttpMethod.Put, $"v2/images/{imageId}/stage", Octets([1]), accept: "text/plain"))
        {
            Assert.Equal(404, (int)stranger.StatusCode);
        }

        using (var first = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/stage", Octets([])))
        {
            Assert.Equal(204, (int)first.StatusCode);
        }

        using var again = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/stage", Octets([1]), accept: "text/plain");
        Assert.Equal(409, (int)again.StatusCode);
        Assert.Equal("Image status transition from uploading to uploading is not allowed", await ErrorText.ExplanationAsync(again));
        var image = (await owner.GetImageAsync(imageId))!;
        Assert.Equal("uploading", (string?)image["status"]);
        Assert.Equal(0, (long)image["size"]!);
    }

    [Fact]
    public async Task Stage_OverTheLimit_Is413AndImageBackToQueued()
    {
        await using var store = await StoreInstance.StartAsync(o => o.MaxImageBytes = 1000, engine: fixture.Engine);
        var owner = store.Client(Caller.Project("stage-limit"));
        var imageId = await owner.CreateImageIdAsync();
        using var stage = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/stage", Octets(new byte[1001]));
        Assert.Equal(413, (int)stage.StatusCode);
        var image = (await owner.GetImageAsync(imageId))!;
        Assert.Equal("queued", (string?)image["status"]);
        Assert.Null(image["size"]);
        Assert.Empty(Directory.GetFiles(Path.Combine(store.Options.DataPath, "staging")));
    }

    public static TheoryData<string, int, string> BodyRefusals => new()
    {
        { "{}", 400, "Import request requires a 'method' field." },
        { "{\"method\": {}}", 400, "Import request requires a 'name' field." },
        { "{\"method\": {\"name\": \"nope\"}}", 400, "Unknown import method name 'nope'." },
        { "{\"method\": {\"name\": \"copy-image\"}}", 400, "Unknown import method name 'copy-image'." },
        { "{\"method\": {\"name\": \"glance-direct\"}, \"all_stores_must_succeed\": \"x\"}", 400, "'all_stores_must_succeed' must be boolean value only" },
        { "{\"method\": {\"name\": \"glance-direct\"}, \"all_stores\": 1}", 400, "'all_stores' must be boolean value only" },
        { "{\"method\": \"x\"}", 500, "The server has either erred or is incapable of performing the requested operation." },
        { "[1]", 500, "The server has either erred or is incapable of performing the requested operation." },
    };

    [Theory]
    [MemberData(nameof(BodyRefusals))]
    public async Task Import_BadBody_IsGlancesAnswer(string body, int status, string explanation)
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync();
        using var response = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/import", Json(body), accept: "text/plain");
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(explanation, await ErrorText.ExplanationAsync(response));
    }

    public static TheoryData<string, string, int, string> StateRefusals => new()
    {
        { "{}", "{\"method\": {\"name\": \"glance-direct\"}}", 409, "Image needs to be staged before 'glance-direct' method can be used" },
        { "{}", "{\"method\": {\"name\": \"web-download\"}}", 409, "'container_format' needs to be set before import" },
        { "{\"container_format\": \"bare\"}", "{\"method\": {\"name\": \"web-download\"}}", 409, "'disk_format' needs to be set before import" },
        { "{\"container_format\": \"bare\", \"disk_format\": \"raw\"}", "{\"method\": {\"name\": \"web-download\", \"uri\": \"http://example.com/x\"}, \"all_stores_must_succeed\": false}", 400, "All_stores_must_succeed can only be set with enabled_backends http://example.com/x" },
        { "{\"container_format\": \"bare\", \"disk_format\": \"raw\"}", "{\"method\": {\"name\": \"web-download\"}}", 400, "URI for web-download does not pass filtering: None" },
        { "{\"container_format\": \"bare\", \"disk_format\": \"raw\"}", "{\"method\": {\"name\": \"web-download\", \"uri\": \"ftp://example.com/x\"}}", 400, "URI for web-download does not pass filtering: ftp://example.com/x" },
        { "{\"container_format\": \"bare\", \"disk_format\": \"raw\"}", "{\"method\": {\"name\": \"web-download\", \"uri\": \"http://127.0.0.1/x\"}}", 400, "URI for web-download does not pass filtering: http://127.0.0.1/x" },
        { "{\"container_format\": \"bare\", \"disk_format\": \"raw\"}", "{\"method\": {\"name\": \"web-download\", \"uri\": \"http://10.1.2.3:8080/x\"}}", 400, "URI for web-download does not pass filtering: http://10.1.2.3:8080/x" },
        { "{\"container_format\": \"bare\", \"disk_format\": \"raw\"}", "{\"method\": {\"name\": \"web-download\", \"uri\": \"http://nonexistent.invalid/x\"}}", 400, "URI for web-download does not pass filtering: http://nonexistent.invalid/x" },
        { "{\"container_format\": \"bare\", \"disk_format\": \"raw\"}", "{\"method\": {\"name\": \"web-download\", \"uri\": \"http://2130706433/x\"}}", 400, "URI for web-download does not pass filtering: http://2130706433/x" },
    };

    [Theory]
    [MemberData(nameof(StateRefusals))]
    public async Task Import_WrongStateOrUri_IsGlancesAnswerAndImageUnchanged(string image, string body, int status, string explanation)
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync(image);
        using var response = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/import", Json(body), accept: "text/plain");
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(explanation, await ErrorText.ExplanationAsync(response));
        var after = (await owner.GetImageAsync(imageId))!;
        Assert.Equal("queued", (string?)after["status"]);
        Assert.Null(after["os_glance_import_task"]);
    }

    [Fact]
    public async Task Import_ActiveImageOrNoImage_409And404()
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync("{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        using (var upload = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", Octets([1])))
        {
            Assert.Equal(204, (int)upload.StatusCode);
        }

        using (var active = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/import", Json("{\"method\": {\"name\": \"glance-direct\"}}"), accept: "text/plain"))
        {
            Assert.Equal(409, (int)active.StatusCode);
            Assert.Equal("Image with status active cannot be target for import", await ErrorText.ExplanationAsync(active));
        }

        using var missing = await owner.SendAsync(HttpMethod.Post, "v2/images/00000000-0000-0000-0000-000000000000/import", Json("{\"method\": {\"name\": \"glance-direct\"}}"), accept: "text/plain");
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal("No image found with ID 00000000-0000-0000-0000-000000000000", await ErrorText.ExplanationAsync(missing));
    }

    [Fact]
    public async Task WebDownload_LoopbackServerAllowedByFiltering_ImageHasTheServersData()
    {
        var data = new byte[3 * 1024 * 1024 + 11];
        new Random(11).NextBytes(data);
        await using var web = await StartWebServerAsync(data);
        var server = Address(web);
        await using var store = await StoreInstance.StartAsync(o =>
        {
            o.Import.Filtering.AllowedHosts = "127.0.0.1";
            o.Import.Filtering.AllowedPorts = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }, engine: fixture.Engine);
        var owner = store.Client(Caller.Project("web-download"));
        var imageId = await owner.CreateImageIdAsync("{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");

        using (var import = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/import",
            Json($"{{\"method\": {{\"name\": \"web-download\", \"uri\": \"{server}image\"}}}}")))
        {
            Assert.Equal(202, (int)import.StatusCode);
        }

        var task = Assert.Single(await WaitForTasksAsync(owner, imageId))!;
        Assert.Equal("success", (string?)task["status"]);
        Assert.Equal("Copied 3 MiB", (string?)task["message"]);
        var image = (await owner.GetImageAsync(imageId))!;
        Assert.Equal("active", (string?)image["status"]);
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(data)), (string?)image["os_hash_value"]);
        using var download = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file");
        Assert.Equal(data, await download.Content.ReadAsByteArrayAsync());
        Assert.Empty(Directory.GetFiles(Path.Combine(store.Options.DataPath, "staging")));

        // The same server on a port the filter does not list is refused at the API.
        var other = await owner.CreateImageIdAsync("{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        using var refused = await owner.SendAsync(HttpMethod.Post, $"v2/images/{other}/import",
            Json("{\"method\": {\"name\": \"web-download\", \"uri\": \"http://127.0.0.1:1/image\"}}"));
        Assert.Equal(400, (int)refused.StatusCode);
    }

    [Fact]
    public async Task WebDownload_ServerAnswers404_TaskFailsAndImageBackToQueued()
    {
        await using var web = await StartWebServerAsync([1, 2, 3]);
        var server = Address(web);
        await using var store = await StoreInstance.StartAsync(o =>
        {
            o.Import.Filtering.AllowedHosts = "127.0.0.1";
            o.Import.Filtering.AllowedPorts = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }, engine: fixture.Engine);
        var owner = store.Client(Caller.Project("web-download-404"));
        var imageId = await owner.CreateImageIdAsync("{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        using (var import = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/import",
            Json($"{{\"method\": {{\"name\": \"web-download\", \"uri\": \"{server}missing\"}}}}")))
        {
            Assert.Equal(202, (int)import.StatusCode);
        }

        var task = Assert.Single(await WaitForTasksAsync(owner, imageId))!;
        Assert.Equal("failure", (string?)task["status"]);
        Assert.Equal("Task failed due to Internal Error", (string?)task["message"]);
        Assert.Null(task["result"]);
        var image = (await owner.GetImageAsync(imageId))!;
        Assert.Equal("queued", (string?)image["status"]);
        Assert.Equal(string.Empty, (string?)image["os_glance_importing_to_stores"]);
        Assert.Equal(string.Empty, (string?)image["os_glance_failed_import"]);
        Assert.Null(image["os_glance_import_task"]);

        // The lock is gone: a second attempt is accepted.
        using var retry = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/import",
            Json($"{{\"method\": {{\"name\": \"web-download\", \"uri\": \"{server}image\"}}}}"));
        Assert.Equal(202, (int)retry.StatusCode);
        Assert.Equal(2, (await WaitForTasksAsync(owner, imageId)).Count);
        Assert.Equal("active", (string?)(await owner.GetImageAsync(imageId))!["status"]);
    }

    [Fact]
    public async Task Import_LockOfARecentTask_409ThenAnHourLaterTakenOver()
    {
        var owner = NewOwner();
        var imageId = await StagedImageAsync(owner, [1, 2, 3]);

        // Another replica's task holds the lock and is processing (recently updated).
        var other = new Glance.ImageStore.Tasks.TaskRecord
        {
            Id = Guid.NewGuid().ToString("D"),
            Status = "processing",
            ImageId = imageId,
            Input = "{}",
            CreatedAt = Glance.ImageStore.Tasks.TaskTime.Store(DateTimeOffset.UtcNow),
            UpdatedAt = Glance.ImageStore.Tasks.TaskTime.Store(DateTimeOffset.UtcNow),
        };
        await using (var handle = fixture.Store.OpenDatabase())
        {
            await new Glance.ImageStore.Persistence.TaskRepository(handle.Database, TimeProvider.System).InsertAsync(other, CancellationToken.None);
            var (_, locked) = await new Glance.ImageStore.Persistence.ImageImportRepository(handle.Database).MutateAsync(imageId, image =>
            {
                image.Properties.Add(new("os_glance_import_task", other.Id));
                return true;
            }, "2026-01-01T00:00:00Z", CancellationToken.None);
            Assert.True(locked);
        }

        using (var busy = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/import", Json("{\"method\": {\"name\": \"glance-direct\"}}"), accept: "text/plain"))
        {
            Assert.Equal(409, (int)busy.StatusCode);
            Assert.Equal("Image has active task", await ErrorText.ExplanationAsync(busy));
        }

        // The same task, idle for more than the hour: its lock is taken over and it fails.
        await using (var handle = fixture.Store.OpenDatabase())
        {
            other.UpdatedAt = Glance.ImageStore.Tasks.TaskTime.Store(DateTimeOffset.UtcNow.AddMinutes(-61));
            Assert.True(await new Glance.ImageStore.Persistence.TaskRepository(handle.Database, TimeProvider.System).UpdateAsync(other, "processing", CancellationToken.None));
        }

        using (var import = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/import", Json("{\"method\": {\"name\": \"glance-direct\"}}")))
        {
            Assert.Equal(202, (int)import.StatusCode);
        }

        var tasks = await WaitForTasksAsync(owner, imageId);
        var preempted = tasks.Single(t => (string?)t!["id"] == other.Id)!;
        Assert.Equal("failure", (string?)preempted["status"]);
        Assert.Equal("Expired lock preempted", (string?)preempted["message"]);
        Assert.Equal("success", (string?)tasks.Single(t => (string?)t!["id"] != other.Id)!["status"]);
        Assert.Equal("active", (string?)(await owner.GetImageAsync(imageId))!["status"]);
    }

    [Fact]
    public async Task Delete_StagedImage_RemovesTheStagedData()
    {
        var owner = NewOwner();
        var imageId = await StagedImageAsync(owner, [1, 2, 3]);
        var staged = Path.Combine(fixture.Store.Options.DataPath, "staging", imageId);
        Assert.True(File.Exists(staged));
        using var delete = await owner.SendAsync(HttpMethod.Delete, $"v2/images/{imageId}");
        Assert.Equal(204, (int)delete.StatusCode);
        Assert.False(File.Exists(staged));
    }

    [Fact]
    public async Task Create_AnswersTheImportMethodsHeader()
    {
        using var response = await NewOwner().SendAsync(HttpMethod.Post, "v2/images", Json("{}"));
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal("glance-direct,web-download", response.Headers.GetValues("OpenStack-image-import-methods").Single());
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class ImportTests
{
    public sealed class Sqlite(StoreFixture fixture) : ImportTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : ImportTests(fixture), IClassFixture<PostgresStoreFixture>;
}
