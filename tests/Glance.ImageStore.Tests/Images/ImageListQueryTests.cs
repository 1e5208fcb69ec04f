using System.Net;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Images;

/// <summary>
/// <c>GET /v2/images</c>'s filters, sorting, paging and their refusals, as Glance 25 answers them
/// (each expectation was first taken from a running Glance 25.1 with the same images and query).
/// Every test lists one fresh project's images (<c>owner=</c> keeps other tests' images out).
/// </summary>
public abstract partial class ImageListQueryTests(StoreFixture fixture)
{
    // Created in this order (so newest first: d, c, a, b); the hidden one is listed only with os_hidden=true.
    private sealed record Dataset(StoreClient Client, string Project, Dictionary<string, string> Ids)
    {
        public string Name(string id) => Ids.Single(p => p.Value == id).Key;
    }

    private async Task<Dataset> CreateDatasetAsync()
    {
        var project = "list-" + Guid.NewGuid().ToString("N");
        var client = fixture.Store.Client(Caller.Project(project));
        var ids = new Dictionary<string, string>();
        async Task Create(string key, string json, int? bytes)
        {
            var id = await client.CreateImageIdAsync(json);
            ids[key] = id;
            if (bytes is not null)
            {
                using var upload = await client.SendAsync(HttpMethod.Put, $"v2/images/{id}/file", Octets(new byte[bytes.Value]));
                Assert.Equal(HttpStatusCode.NoContent, upload.StatusCode);
            }
        }

        await Create("b", """{"name": "b", "disk_format": "raw", "container_format": "bare", "tags": ["x", "y"], "os_distro": "debian", "visibility": "private"}""", 300);
        await Create("a", """{"name": "a", "disk_format": "qcow2", "container_format": "bare", "tags": ["x"], "min_ram": 512, "visibility": "private"}""", 1000);
        await Create("c", """{"name": "c", "disk_format": "vmdk", "container_format": "ova", "tags": ["y"], "os_distro": "ubuntu", "visibility": "private"}""", null);
        await Create("d", """{"name": "d", "disk_format": "iso", "container_format": "bare", "tags": ["x", "y", "z"], "visibility": "private", "protected": true}""", 700);
        await Create("hidden", """{"disk_format": "raw", "container_format": "bare", "os_hidden": true, "visibility": "private"}""", null);
        return new Dataset(client, project, ids);
    }

    private static ByteArrayContent Octets(byte[] data)
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new("application/octet-stream");
        return content;
    }

    private static async Task<JsonObject> ListAsync(StoreClient client, string pathAndQuery)
    {
        using var response = await client.SendAsync(HttpMethod.Get, pathAndQuery.TrimStart('/'));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{pathAndQuery}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private static string Names(Dataset data, JsonObject page) =>
        string.Join(",", page["images"]!.AsArray().Select(i => data.Name((string)i!["id"]!)));

    [Theory]
    [InlineData("", "d,c,a,b")]
    [InlineData("sort=name:asc", "a,b,c,d")]
    [InlineData("sort=name", "d,c,b,a")]
    [InlineData("sort_key=name&sort_dir=asc", "a,b,c,d")]
    [InlineData("sort_key=size&sort_dir=desc", "a,d,b,c")]
    [InlineData("sort=size:desc", "a,d,b,c")]
    [InlineData("sort=size:asc", "c,b,d,a")]
    [InlineData("sort_key=disk_format&sort_key=name&sort_dir=asc&sort_dir=desc", "d,a,b,c")]
    [InlineData("sort=status:asc,name:desc", "d,b,a,c")]
    [InlineData("sort=created_at:asc", "b,a,c,d")]
    [InlineData("sort=updated_at:asc", "b,a,c,d")]
    [InlineData("tag=x", "d,a,b")]
    [InlineData("tag=x&tag=y", "d,b")]
    [InlineData("tag=z&tag=x&tag=y", "d")]
    [InlineData("tag=%20x%20", "d,a,b")]
    [InlineData("tag=nope", "")]
    [InlineData("os_distro=debian", "b")]
    [InlineData("os_distro=debian&tag=z", "")]
    [InlineData("os_distro=debian&os_distro=ubuntu", "c")]
    [InlineData("size_min=300&size_max=700", "d,b")]
    [InlineData("size_min=%20+301_0%20", "")]
    [InlineData("size=1000", "a")]
    [InlineData("size=abc", "")]
    [InlineData("min_ram=512", "a")]
    [InlineData("min_ram_min=100", "a")]
    [InlineData("disk_format=in:raw,iso", "d,b")]
    [InlineData("disk_format=in:\"qcow2\",vmdk", "c,a")]
    [InlineData("disk_format=eq:iso", "d")]
    [InlineData("container_format=ova", "c")]
    [InlineData("status=queued", "c")]
    [InlineData("status=active", "d,a,b")]
    [InlineData("name=in:a,c", "c,a")]
    [InlineData("name=a", "a")]
    [InlineData("protected=true", "d")]
    [InlineData("protected=false", "c,a,b")]
    [InlineData("protected_min=1", "d")]
    [InlineData("os_hidden=true", "hidden")]
    [InlineData("os_hidden=TRUE", "hidden")]
    [InlineData("os_hidden=false", "d,c,a,b")]
    [InlineData("visibility=private", "d,c,a,b")]
    [InlineData("visibility=all", "d,c,a,b")]
    [InlineData("visibility=public", "")]
    [InlineData("visibility=", "")]
    [InlineData("created_at=gte:2000-01-01T00:00:00Z", "d,c,a,b")]
    [InlineData("created_at=lt:2000-01-01T00:00:00Z", "")]
    [InlineData("created_at=2000-01-01T00:00:00%2B01:00", "")]
    [InlineData("updated_at=gt:2000-01-01", "d,c,a,b")]
    [InlineData("updated_at=neq:2000-01-01T00:00:00.5Z", "d,c,a,b")]
    [InlineData("checksum=nothing", "")]
    [InlineData("limit=1&limit=2", "")]
    public async Task Filter_AndSort_SelectAsGlance(string query, string expected)
    {
        var data = await CreateDatasetAsync();
        var page = await ListAsync(data.Client, $"v2/images?owner={data.Project}&{query}");
        Assert.Equal(expected, Names(data, page));
    }

    [Fact]
    public async Task Paging_FollowsNextLinks_WithQueryKeptAndMarkerLast()
    {
        var data = await CreateDatasetAsync();
        var pages = new List<string>();
        string? path = $"/v2/images?owner={data.Project}&sort=name:asc&limit=2&created_at=gte:2000-01-01+00:00:00";
        var links = new List<string>();
        while (path is not null)
        {
            var page = await ListAsync(data.Client, path);
            pages.Add(Names(data, page));
            path = (string?)page["next"];
            links.Add((string)page["first"]! + " " + path);
        }

        Assert.Equal(["a,b", "c,d", string.Empty], pages);

        // urlencode(dict(params)): the query less the marker, then the marker; ':' and ' ' as Python quotes them.
        var query = $"owner={data.Project}&sort=name%3Aasc&limit=2&created_at=gte%3A2000-01-01+00%3A00%3A00";
        Assert.Equal($"/v2/images?{query} /v2/images?{query}&marker={data.Ids["b"]}", links[0]);
        Assert.Equal($"/v2/images?{query} /v2/images?{query}&marker={data.Ids["d"]}", links[1]);
    }

    [Fact]
    public async Task Paging_SizeDescendingWithNulls_VisitsEveryImageOnce()
    {
        var data = await CreateDatasetAsync();
        var seen = new List<string>();
        string? path = $"/v2/images?owner={data.Project}&sort_key=size&sort_dir=desc&limit=1";
        while (path is not null)
        {
            var page = await ListAsync(data.Client, path);
            seen.AddRange(page["images"]!.AsArray().Select(i => data.Name((string)i!["id"]!)));
            path = (string?)page["next"];
        }

        Assert.Equal(["a", "d", "b", "c"], seen);
    }

    [Fact]
    public async Task Limit_Zero_IsEmptyWithoutNext_AndLargeLimitHasNoNext()
    {
        var data = await CreateDatasetAsync();
        var zero = await ListAsync(data.Client, $"v2/images?owner={data.Project}&limit=0");
        Assert.Empty(zero["images"]!.AsArray());
        Assert.Null(zero["next"]);
        var large = await ListAsync(data.Client, $"v2/images?owner={data.Project}&limit=99999999999999999999");
        Assert.Equal(4, large["images"]!.AsArray().Count);
        Assert.Null(large["next"]);
        Assert.Equal($"/v2/images?owner={data.Project}&limit=99999999999999999999", (string?)large["first"]);
    }

    [Theory]
    [InlineData("limit=abc", 400, "limit param must be an integer")]
    [InlineData("limit=", 400, "limit param must be an integer")]
    [InlineData("limit=-1", 400, "limit param must be positive")]
    [InlineData("sort_key=foo", 400, "Invalid sort key: foo. It must be one of the following: name, status, container_format, disk_format, size, id, created_at, updated_at.")]
    [InlineData("sort=,", 400, "Invalid sort key: . It must be one of the following: name, status, container_format, disk_format, size, id, created_at, updated_at.")]
    [InlineData("sort_dir=up", 400, "Invalid sort direction: up")]
    [InlineData("sort=name:up", 400, "Invalid sort direction: up")]
    [InlineData("sort=name&sort_key=id", 400, "Old and new sorting syntax cannot be combined")]
    [InlineData("sort_dir=asc&sort_dir=desc", 400, "Number of sort dirs does not match the number of sort keys")]
    [InlineData("marker=nope", 400, "No image found with ID nope")]
    [InlineData("marker=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 400, "Image with the given id %(image_id)s was not found")]
    [InlineData("size_min=abc", 400, "Unable to filter on a range with a non-numeric value.")]
    [InlineData("created_at=foo", 400, "Bad \"created_at\" query filter format. Use ISO 8601 DateTime notation.")]
    [InlineData("updated_at=lte:foo", 400, "Bad \"updated_at\" query filter format. Use ISO 8601 DateTime notation.")]
    [InlineData("created_at=foo:2020-01-01T00:00:00Z", 400, "Unable to filter on a unknown operator.")]
    [InlineData("name=bad:x", 400, "Unable to filter by unknown operator 'bad'.")]
    [InlineData("id=neq:x", 400, "Unable to filter by unknown operator 'neq'.")]
    [InlineData("name=in:%22a", 400, "Invalid filter value \"a. The quote is not closed.")]
    [InlineData("name=in:a%22b%22", 400, "Invalid filter value a\"b\". There is no comma before opening quotation mark.")]
    [InlineData("name=in:%22a%22b", 400, "Invalid filter value \"a\"b. There is no comma after closing quotation mark.")]
    [InlineData("changes-since=2020-01-01", 400, "The \"changes-since\" filter is no longer available on v2.")]
    [InlineData("os_hidden=maybe", 400, "Invalid value 'maybe' for 'os_hidden' filter. Valid values are 'true' or 'false'.")]
    [InlineData("protected=yes", 400, "Invalid value 'yes' for 'protected' filter. Valid values are 'true' or 'false'.")]
    [InlineData("protected=", 400, "Invalid value '' for 'protected' filter. Valid values are 'true' or 'false'.")]
    [InlineData("member_status=x", 400, "Invalid status: x")]
    [InlineData("visibility=x", 400, "Invalid visibility value: x")]
    [InlineData("foo_min=5", 500, "The server has either erred or is incapable of performing the requested operation.")]
    public async Task InvalidQuery_IsGlancesRefusal(string query, int status, string explanation)
    {
        var client = fixture.Store.Client(Caller.Project("list-bad-" + Guid.NewGuid().ToString("N")));
        using var response = await client.SendAsync(HttpMethod.Get, "v2/images?" + query);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(explanation, await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task Marker_OtherProjectsPrivateImage_Is403NotVisible()
    {
        var other = fixture.Store.Client(Caller.Project("list-other-" + Guid.NewGuid().ToString("N")));
        var hidden = await other.CreateImageIdAsync("""{"visibility": "private"}""");
        var client = fixture.Store.Client(Caller.Project("list-marker-" + Guid.NewGuid().ToString("N")));
        using var response = await client.SendAsync(HttpMethod.Get, "v2/images?marker=" + hidden);
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal($"Forbidding request, image {hidden} not visible", await ErrorText.ExplanationAsync(response));
    }

    [Fact]
    public async Task Filter_TagAddedAndRemovedThroughTagsApi_IsSeenByTheListing()
    {
        var data = await CreateDatasetAsync();
        using (var put = await data.Client.SendAsync(HttpMethod.Put, $"v2/images/{data.Ids["c"]}/tags/z"))
        {
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }

        Assert.Equal("d,c", Names(data, await ListAsync(data.Client, $"v2/images?owner={data.Project}&tag=z")));
        using (var delete = await data.Client.SendAsync(HttpMethod.Delete, $"v2/images/{data.Ids["d"]}/tags/z"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Equal("c", Names(data, await ListAsync(data.Client, $"v2/images?owner={data.Project}&tag=z")));
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class ImageListQueryTests
{
    public sealed class Sqlite(StoreFixture fixture) : ImageListQueryTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : ImageListQueryTests(fixture), IClassFixture<PostgresStoreFixture>;
}
