using System.Buffers.Binary;
using System.Net;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Images;

/// <summary>
/// Details of the image answers where the store once differed from Glance 25.1 (each compared
/// with a running Glance): the absolute <c>Location</c> of a created image, the Content-Type of
/// the 204s, the <c>virtual_size</c> the format inspector gives an upload, and the image schemas.
/// </summary>
public abstract partial class ImageAnswerDetailsTests(StoreFixture fixture)
{
    private StoreClient NewOwner() => fixture.Store.Client(Caller.Project("details-" + Guid.NewGuid().ToString("N")));

    [Theory]
    [InlineData(null, "http://{authority}/v2/images/")]
    [InlineData("example.org:80", "http://example.org/v2/images/")]
    [InlineData("example.org:8080", "http://example.org:8080/v2/images/")]
    public async Task Create_Location_IsAbsoluteOnTheRequestsHost(string? host, string expected)
    {
        using var response = await NewOwner().SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json("{}"), configure: r =>
        {
            if (host is not null)
            {
                r.Headers.Host = host;
            }
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!;
        Assert.Equal(expected.Replace("{authority}", fixture.Store.BaseUri.Authority, StringComparison.Ordinal) + id, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task NoContent_OfDeleteUploadAndActions_HasWebobContentType_DownloadWithoutDataHasNone()
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync("""{"disk_format": "raw", "container_format": "bare"}""");
        using (var empty = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/file"))
        {
            Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
            Assert.Null(empty.Content.Headers.ContentType);
        }

        var upload = new ByteArrayContent([1, 2, 3]);
        upload.Headers.ContentType = new("application/octet-stream");
        foreach (var (method, path, content) in new (string, string, HttpContent?)[]
        {
            ("PUT", $"v2/images/{imageId}/file", upload),
            ("POST", $"v2/images/{imageId}/actions/deactivate", null),
            ("POST", $"v2/images/{imageId}/actions/reactivate", null),
            ("DELETE", $"v2/images/{imageId}", null),
        })
        {
            using var response = await owner.SendAsync(new HttpMethod(method), path, content);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal("text/html; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }
    }

    public static TheoryData<string, string, byte[], long?> Uploads()
    {
        var qcow2 = new byte[1024];
        qcow2[0] = (byte)'Q';
        qcow2[1] = (byte)'F';
        qcow2[2] = (byte)'I';
        qcow2[3] = 0xfb;
        BinaryPrimitives.WriteUInt32BigEndian(qcow2.AsSpan(4), 3);
        BinaryPrimitives.WriteUInt64BigEndian(qcow2.AsSpan(24), 10737418240);
        var vhd = new byte[600];
        "conectix"u8.CopyTo(vhd);
        BinaryPrimitives.WriteUInt64BigEndian(vhd.AsSpan(40), 2147483648);
        var vdi = new byte[512];
        BinaryPrimitives.WriteUInt32LittleEndian(vdi.AsSpan(0x40), 0xbeda107f);
        BinaryPrimitives.WriteUInt64LittleEndian(vdi.AsSpan(0x170), 1048576);
        return new()
        {
            { "raw", "bare", new byte[300], 300 },
            { "raw", "bare", [], null },
            { "raw", "docker", new byte[3], null },
            { "qcow2", "bare", qcow2, 10737418240 },
            { "qcow2", "ovf", qcow2, null },
            { "qcow2", "bare", qcow2[..300], null },
            { "qcow2", "bare", new byte[1024], null },
            { "vhd", "bare", vhd, 2147483648 },
            { "vdi", "bare", vdi, 1048576 },
            { "vmdk", "bare", new byte[600], null },
            { "iso", "bare", new byte[600], null },
        };
    }

    [Theory]
    [MemberData(nameof(Uploads))]
    public async Task Upload_VirtualSize_IsWhatGlancesInspectorFinds(string diskFormat, string containerFormat, byte[] data, long? virtualSize)
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync($$"""{"disk_format": "{{diskFormat}}", "container_format": "{{containerFormat}}"}""");
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new("application/octet-stream");
        using (var upload = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/file", content))
        {
            Assert.Equal(HttpStatusCode.NoContent, upload.StatusCode);
        }

        var image = (await owner.GetImageAsync(imageId))!;
        Assert.Equal(data.Length, (long)image["size"]!);
        Assert.Equal(virtualSize, (long?)image["virtual_size"]);
    }

    [Fact]
    public async Task ImageSchema_HasSchemaImageJsonProperties_InPythonJson()
    {
        using var response = await NewOwner().SendAsync(HttpMethod.Get, "v2/schemas/image");
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("{\"name\": \"image\", \"properties\": {\"id\": {\"type\": \"string\", ", text, StringComparison.Ordinal);
        var properties = JsonNode.Parse(text)!["properties"]!.AsObject();
        Assert.Equal(
            ["kernel_id", "ramdisk_id", "instance_uuid", "architecture", "os_distro", "os_version", "description", "cinder_encryption_key_id", "cinder_encryption_key_deletion_policy"],
            properties.Select(p => p.Key).SkipWhile(k => k != "kernel_id"));
        Assert.All(properties.Where(p => p.Value!["is_base"] is not null), p => Assert.False((bool)p.Value!["is_base"]!));
        Assert.Contains("'cinder_encryption_key_id' image property.", text, StringComparison.Ordinal);

        using var images = await NewOwner().SendAsync(HttpMethod.Get, "v2/schemas/images");
        var collection = JsonNode.Parse(await images.Content.ReadAsStringAsync())!["properties"]!.AsObject();
        Assert.Equal(["images", "first", "next", "schema"], collection.Select(p => p.Key));
    }

    // Glance raises these as HTTPForbidden(msg) / HTTPConflict(msg): webob's default explanation
    // first, the message as its detail (bodies as a running Glance 25.1 answered them).
    [Theory]
    [InlineData("remove-name", "application/json",
        "{\"message\": \"Access was denied to this resource.<br /><br />\\nProperty name may not be removed.\\n\\n\", \"code\": \"403 Forbidden\", \"title\": \"Forbidden\"}")]
    [InlineData("empty-locations", "application/json",
        "{\"message\": \"Access was denied to this resource.<br /><br />\\nCannot set locations to empty list.\\n\\n\", \"code\": \"403 Forbidden\", \"title\": \"Forbidden\"}")]
    [InlineData("remove-missing", "*/*",
        "<html>\n <head>\n  <title>409 Conflict</title>\n </head>\n <body>\n  <h1>409 Conflict</h1>\n  There was a conflict when trying to complete your request.<br /><br />\nProperty nothere does not exist.\n\n\n </body>\n</html>")]
    [InlineData("create-reserved", "*/*",
        "<html>\n <head>\n  <title>403 Forbidden</title>\n </head>\n <body>\n  <h1>403 Forbidden</h1>\n  Access was denied to this resource.<br /><br />\nAttribute &#x27;deleted&#x27; is reserved.\n\n\n </body>\n</html>")]
    [InlineData("create-reserved-plain", "text/plain",
        "403 Forbidden\n\nAccess was denied to this resource.\n\n Attribute 'os_glance_x' is reserved.  ")]
    public async Task Refusal_WithWebobDetail_IsGlancesBody(string call, string accept, string body)
    {
        var owner = NewOwner();
        var imageId = await owner.CreateImageIdAsync("""{"name": "e"}""");
        using var response = call switch
        {
            "remove-name" => await owner.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", StoreClient.Patch("""[{"op": "remove", "path": "/name"}]"""), accept),
            "empty-locations" => await owner.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", StoreClient.Patch("""[{"op": "replace", "path": "/locations", "value": []}]"""), accept),
            "remove-missing" => await owner.SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", StoreClient.Patch("""[{"op": "remove", "path": "/nothere"}]"""), accept),
            "create-reserved" => await owner.SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json("""{"deleted": "x"}"""), accept),
            _ => await owner.SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json("""{"os_glance_x": "x"}"""), accept),
        };
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"kernel_id": "abc"}""", "Provided object does not match schema 'image': 'abc' does not match '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$'")]
    [InlineData("""{"cinder_encryption_key_deletion_policy": "never"}""", "Provided object does not match schema 'image': 'never' is not one of ['on_image_deletion', 'do_not_delete']")]
    public async Task Create_CustomPropertyAgainstSchemaImageJson_Is400(string body, string explanation)
    {
        using var response = await NewOwner().SendAsync(HttpMethod.Post, "v2/images", StoreClient.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(explanation, await ErrorText.ExplanationAsync(response), StringComparison.Ordinal);
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class ImageAnswerDetailsTests
{
    public sealed class Sqlite(StoreFixture fixture) : ImageAnswerDetailsTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : ImageAnswerDetailsTests(fixture), IClassFixture<PostgresStoreFixture>;
}
