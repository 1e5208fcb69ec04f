using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// <c>GET /v2/images</c>'s filters, sorting and paging, the image tags calls and their 204s, sent
/// alike to the real Glance 25.1 (legacy mode) and to a gateway that hosts its own store
/// (<see cref="HostedStoreGatewayFixture"/>), with the same owner token. Each side gets the same
/// images made through its own API, all with one tag of the test's own (every listing asks for it
/// too, so that other tests' images of the owner project stay out); the pages each side answers
/// are compared as lists of those images, and the links with ids and the tag written alike.
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class ImageListParityHostedTests(KeystoneFixture keystoneFixture, RealGlanceFixture glanceFixture, HostedStoreGatewayFixture hostedFixture)
    : IAsyncLifetime, IClassFixture<HostedStoreGatewayFixture>
{
    private static readonly (string Json, int? Bytes)[] Images =
    [
        ("""{"name": "b", "disk_format": "raw", "container_format": "bare", "tags": ["x", "y"], "os_distro": "debian", "visibility": "private"}""", 300),
        ("""{"name": "a", "disk_format": "qcow2", "container_format": "bare", "tags": ["x"], "min_ram": 512, "visibility": "private"}""", 1000),
        ("""{"name": "c", "disk_format": "vmdk", "container_format": "ova", "tags": ["y"], "os_distro": "ubuntu", "visibility": "private"}""", null),
        ("""{"name": "a", "disk_format": "raw", "container_format": "bare", "visibility": "private", "protected": true}""", 20),
        ("""{"disk_format": "raw", "container_format": "bare", "visibility": "private", "os_hidden": true}""", null),
        ("""{"name": "d", "disk_format": "iso", "container_format": "bare", "tags": ["x", "y", "z"], "visibility": "private"}""", 700),
    ];

    private readonly KeystoneServer _keystone = keystoneFixture.Keystone;
    private readonly string _run = "parity-" + Guid.NewGuid().ToString("N");
    private RealGlanceSuite _suite = null!;
    private GatewayHost _gateway = null!;
    private List<string> _glanceIds = null!;
    private List<string> _gatewayIds = null!;

    private HttpClient Glance => _suite.Legacy.Direct;

    public async Task InitializeAsync()
    {
        _suite = await glanceFixture.StartAsync(_keystone);
        _gateway = await hostedFixture.StartAsync(_keystone);
        _glanceIds = await CreateImagesAsync(Glance);
        _gatewayIds = await CreateImagesAsync(_gateway.Client);
    }

    public async Task DisposeAsync()
    {
        foreach (var (client, ids) in new[] { (Glance, _glanceIds), (_gateway.Client, _gatewayIds) })
        {
            foreach (var id in ids ?? [])
            {
                (await SendAsync(client, HttpMethod.Patch, $"/v2/images/{id}", "[{\"op\": \"replace\", \"path\": \"/protected\", \"value\": false}]", "application/openstack-images-v2.1-json-patch")).Dispose();
                (await SendAsync(client, HttpMethod.Delete, $"/v2/images/{id}")).Dispose();
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null, string? contentType = null, string? accept = null, byte[]? data = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("X-Auth-Token", _suite.Tokens.Owner);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new(contentType ?? "application/json");
        }
        else if (data is not null)
        {
            request.Content = new ByteArrayContent(data);
            request.Content.Headers.ContentType = new("application/octet-stream");
        }

        return await client.SendAsync(request);
    }

    private async Task<List<string>> CreateImagesAsync(HttpClient client)
    {
        var ids = new List<string>();
        foreach (var (json, bytes) in Images)
        {
            var image = JsonNode.Parse(json)!.AsObject();
            var tags = image["tags"]?.AsArray() ?? [];
            tags.Add(_run);
            image["tags"] = tags.DeepClone();
            using var created = await SendAsync(client, HttpMethod.Post, "/v2/images", image.ToJsonString());
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;
            ids.Add(id);
            if (bytes is not null)
            {
                using var upload = await SendAsync(client, HttpMethod.Put, $"/v2/images/{id}/file", data: new byte[bytes.Value]);
                Assert.Equal(HttpStatusCode.NoContent, upload.StatusCode);
            }
        }

        return ids;
    }

    // Every page of the listing, following next links: the dataset's images by index, and the
    // links with the ids written as #index and the run's tag as {run}.
    private async Task<List<string>> PagesAsync(HttpClient client, List<string> ids, string query)
    {
        var pages = new List<string>();
        string? path = $"/v2/images?tag={_run}&limit=2&{query}";
        while (path is not null && pages.Count < 10)
        {
            using var response = await SendAsync(client, HttpMethod.Get, path);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                pages.Add($"{(int)response.StatusCode} {body}");
                break;
            }

            var page = JsonNode.Parse(body)!;
            var images = page["images"]!.AsArray().Select(i => "#" + ids.IndexOf((string)i!["id"]!) + ":" + i["size"] + ":" + i["virtual_size"]);
            path = (string?)page["next"];
            pages.Add(string.Join(",", images) + " first=" + Generic((string)page["first"]!, ids) + " next=" + Generic(path, ids));
        }

        return pages;
    }

    private string Generic(string? text, List<string> ids)
    {
        if (text is null)
        {
            return "-";
        }

        for (var i = 0; i < ids.Count; i++)
        {
            text = text.Replace(ids[i], "#" + i, StringComparison.Ordinal);
        }

        return text.Replace(_run, "{run}", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sort=name:asc")]
    [InlineData("sort=name")]
    [InlineData("sort_key=name&sort_dir=asc")]
    [InlineData("sort_key=name&sort_key=size&sort_dir=asc")]
    [InlineData("sort_key=size&sort_dir=desc")]
    [InlineData("sort=size:asc")]
    [InlineData("sort=disk_format:asc,size:desc")]
    [InlineData("sort=status,name:asc")]
    [InlineData("sort=created_at:asc")]
    [InlineData("sort=updated_at:asc&limit=3")]
    [InlineData("tag=x")]
    [InlineData("tag=x&tag=y")]
    [InlineData("os_distro=debian")]
    [InlineData("size_min=300&size_max=1000")]
    [InlineData("size=20")]
    [InlineData("disk_format=in:raw,iso")]
    [InlineData("disk_format=in:\"raw\",\"qcow2\"")]
    [InlineData("container_format=ova")]
    [InlineData("status=queued")]
    [InlineData("protected=true")]
    [InlineData("os_hidden=true")]
    [InlineData("min_ram_min=100")]
    [InlineData("name=in:a,d")]
    [InlineData("visibility=private")]
    [InlineData("created_at=gte:2000-01-01T00:00:00Z")]
    [InlineData("updated_at=lt:2000-01-01")]
    [InlineData("limit=1&limit=2")]
    [InlineData("x=a+b:c")]
    public async Task List_SamePagesAsGlance(string query)
    {
        var glance = await PagesAsync(Glance, _glanceIds, query);
        var gateway = await PagesAsync(_gateway.Client, _gatewayIds, query);
        Assert.Equal(glance, gateway);
    }

    [Theory]
    [InlineData("limit=abc", null)]
    [InlineData("sort_key=foo", "application/json")]
    [InlineData("sort=name&sort_key=id", null)]
    [InlineData("sort_dir=asc&sort_dir=desc", "application/json")]
    [InlineData("marker=nope", null)]
    [InlineData("size_min=abc", "application/json")]
    [InlineData("created_at=lte:foo", null)]
    [InlineData("name=bad:x", null)]
    [InlineData("name=in:%22a", "application/json")]
    [InlineData("changes-since=2020-01-01", null)]
    [InlineData("os_hidden=maybe", null)]
    [InlineData("protected=yes", "application/json")]
    [InlineData("member_status=x", null)]
    [InlineData("visibility=x", null)]
    public async Task List_InvalidQuery_SameAnswerAsGlance(string query, string? accept)
    {
        async Task<string> AnswerAsync(HttpClient client)
        {
            using var response = await SendAsync(client, HttpMethod.Get, "/v2/images?" + query, accept: accept);
            return $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {await response.Content.ReadAsStringAsync()}";
        }

        Assert.Equal(await AnswerAsync(Glance), await AnswerAsync(_gateway.Client));
    }

    [Theory]
    [InlineData("POST", "", """{"deleted": "x"}""", "*/*")]
    [InlineData("POST", "", """{"os_glance_x": "x"}""", "text/plain")]
    [InlineData("PATCH", "{image}", """[{"op": "remove", "path": "/name"}]""", "application/json")]
    [InlineData("PATCH", "{image}", """[{"op": "remove", "path": "/nothere"}]""", "*/*")]
    [InlineData("PATCH", "{image}", """[{"op": "replace", "path": "/nothere", "value": "x"}]""", "application/json")]
    [InlineData("PATCH", "{image}", """[{"op": "replace", "path": "/locations", "value": []}]""", "text/plain")]
    [InlineData("PATCH", "{image}", """[{"op": "replace", "path": "/owner", "value": "x"}]""", "*/*")]
    [InlineData("PATCH", "{image}", """[{"op": "replace", "path": "/tags", "value": ["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t10", "t11", "t12", "t13", "t14", "t15", "t16", "t17", "t18", "t19", "t20", "t21", "t22", "t23", "t24", "t25", "t26", "t27", "t28", "t29", "t30", "t31", "t32", "t33", "t34", "t35", "t36", "t37", "t38", "t39", "t40", "t41", "t42", "t43", "t44", "t45", "t46", "t47", "t48", "t49", "t50", "t51", "t52", "t53", "t54", "t55", "t56", "t57", "t58", "t59", "t60", "t61", "t62", "t63", "t64", "t65", "t66", "t67", "t68", "t69", "t70", "t71", "t72", "t73", "t74", "t75", "t76", "t77", "t78", "t79", "t80", "t81", "t82", "t83", "t84", "t85", "t86", "t87", "t88", "t89", "t90", "t91", "t92", "t93", "t94", "t95", "t96", "t97", "t98", "t99", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t10", "t11", "t12", "t13", "t14", "t15", "t16", "t17", "t18", "t19", "t20", "t21", "t22", "t23", "t24", "t25", "t26", "t27", "t28"]}]""", "application/json")]
    public async Task Refusals_WithWebobDetailOrQuota_SameAnswerAsGlance(string method, string image, string body, string accept)
    {
        async Task<string> AnswerAsync(HttpClient client, List<string> ids)
        {
            var path = image.Length == 0 ? "/v2/images" : "/v2/images/" + ids[0];
            var contentType = method == "PATCH" ? "application/openstack-images-v2.1-json-patch" : "application/json";
            using var response = await SendAsync(client, new HttpMethod(method), path, body, contentType, accept);
            return $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {Generic(await response.Content.ReadAsStringAsync(), ids)}";
        }

        Assert.Equal(await AnswerAsync(Glance, _glanceIds), await AnswerAsync(_gateway.Client, _gatewayIds));
    }

    [Fact]
    public async Task Tags_PutDeleteAndTheirRefusals_SameAnswersAsGlance()
    {
        var steps = new (string Method, string Tag)[]
        {
            ("PUT", "t1"), ("PUT", "t1"), ("PUT", "a%20b"), ("DELETE", "nope"), ("DELETE", "t1"), ("PUT", new string('c', 256)), ("GET", "t1"),
        };
        async Task<List<string>> RunAsync(HttpClient client, List<string> ids)
        {
            var answers = new List<string>();
            foreach (var (method, tag) in steps)
            {
                using var response = await SendAsync(client, new HttpMethod(method), $"/v2/images/{ids[2]}/tags/{tag}");
                answers.Add($"{method} {tag}: {(int)response.StatusCode} {response.Content.Headers.ContentType} {Generic(await response.Content.ReadAsStringAsync(), ids)}");
            }

            using var image = await SendAsync(client, HttpMethod.Get, $"/v2/images/{ids[2]}");
            answers.Add(string.Join(",", JsonNode.Parse(await image.Content.ReadAsStringAsync())!["tags"]!.AsArray().Select(t => Generic((string)t!, ids)).Order()));
            return answers;
        }

        Assert.Equal(await RunAsync(Glance, _glanceIds), await RunAsync(_gateway.Client, _gatewayIds));
    }

    [Fact]
    public async Task Create_Location_IsAbsoluteOnTheAddressTheClientUsed()
    {
        foreach (var client in new[] { Glance, _gateway.Client })
        {
            using var created = await SendAsync(client, HttpMethod.Post, "/v2/images", """{"name": "location"}""");
            var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;
            try
            {
                Assert.Equal(new Uri(client.BaseAddress!, "/v2/images/" + id), created.Headers.Location);
            }
            finally
            {
                (await SendAsync(client, HttpMethod.Delete, $"/v2/images/{id}")).Dispose();
            }
        }
    }
}
