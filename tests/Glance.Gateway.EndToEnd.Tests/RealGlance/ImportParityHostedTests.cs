using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// Discovery (<c>/v2/info/*</c>, the task schemas), stage, glance-direct import and an image's
/// tasks, sent alike to the real Glance 25.1 (legacy mode) and to a gateway hosting its own store
/// (<see cref="HostedStoreGatewayFixture"/>) with the same owner token, each side with its own
/// image. Answers are compared on status, Content-Type and body, with the image's id written
/// <c>{image}</c>, every other UUID <c>{uuid}</c> and every timestamp <c>TIME</c>.
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed partial class ImportParityHostedTests(KeystoneFixture keystoneFixture, RealGlanceFixture glanceFixture, HostedStoreGatewayFixture hostedFixture)
    : IAsyncLifetime, IClassFixture<HostedStoreGatewayFixture>
{
    private readonly KeystoneServer _keystone = keystoneFixture.Keystone;
    private readonly List<(HttpClient Client, string Id)> _images = [];
    private RealGlanceSuite _suite = null!;
    private GatewayHost _gateway = null!;

    private HttpClient Glance => _suite.Legacy.Direct;

    public async Task InitializeAsync()
    {
        _suite = await glanceFixture.StartAsync(_keystone);
        _gateway = await hostedFixture.StartAsync(_keystone);
    }

    public async Task DisposeAsync()
    {
        foreach (var (client, id) in _images)
        {
            await SendAsync(client, HttpMethod.Delete, $"/v2/images/{id}", id);
        }
    }

    [Theory]
    [InlineData("/v2/info/stores")]
    [InlineData("/v2/schemas/task")]
    [InlineData("/v2/schemas/tasks")]
    [InlineData("/v2/schemas/member")]
    [InlineData("/v2/schemas/members")]
    public async Task Discovery_answers_as_Glance_does(string path)
    {
        var glance = await SendAsync(Glance, HttpMethod.Get, path, "");
        var gateway = await SendAsync(_gateway.Client, HttpMethod.Get, path, "");
        Assert.True(glance == gateway, Difference(glance, gateway));
    }

    [Fact]
    public async Task Info_import_answers_as_Glance_does_but_for_copy_image()
    {
        // Glance 25's default enabled_import_methods is glance-direct, web-download, copy-image;
        // the store has one store, so it implements no copy-image and refuses it in
        // ImageStore:Import:Methods at start-up: its list is Glance's without copy-image.
        var glance = await SendAsync(Glance, HttpMethod.Get, "/v2/info/import", "");
        var gateway = await SendAsync(_gateway.Client, HttpMethod.Get, "/v2/info/import", "");
        var glanceBody = JsonNode.Parse(glance.Body)!;
        var methods = glanceBody["import-methods"]!["value"]!.AsArray();
        Assert.Equal(["glance-direct", "web-download", "copy-image"], methods.Select(m => (string)m!));
        methods.RemoveAt(2);
        Assert.Equal((glance.Status, glance.ContentType, glanceBody.ToJsonString()), (gateway.Status, gateway.ContentType, JsonNode.Parse(gateway.Body)!.ToJsonString()));
    }

    [Fact]
    public async Task Info_usage_has_Glance_s_shape()
    {
        // The numbers are each side's own project usage (other tests' images): the keys, the
        // limits (no quotas: -1) and the formats are compared, the usage counts written N.
        var glance = await SendAsync(Glance, HttpMethod.Get, "/v2/info/usage", "");
        var gateway = await SendAsync(_gateway.Client, HttpMethod.Get, "/v2/info/usage", "");
        static Answer Counts(Answer a) => a with { Body = UsageCount().Replace(a.Body, "\"usage\": N") };
        Assert.True(Counts(glance) == Counts(gateway), Difference(Counts(glance), Counts(gateway)));
    }

    [Fact]
    public async Task Stage_and_glance_direct_import_answer_as_Glance_does()
    {
        var glanceId = await CreateAsync(Glance);
        var gatewayId = await CreateAsync(_gateway.Client);
        var data = Encoding.ASCII.GetBytes(new string('x', 4096));
        const string direct = """{"method": {"name": "glance-direct"}}""";
        var steps = new List<(string Step, Func<HttpClient, string, Task<Answer>> Send)>
        {
            ("import of an image not staged", (c, id) => SendAsync(c, HttpMethod.Post, $"/v2/images/{id}/import", id, direct)),
            ("import with an unknown method", (c, id) => SendAsync(c, HttpMethod.Post, $"/v2/images/{id}/import", id, """{"method": {"name": "no-such-method"}}""")),
            ("import of an unknown image", (c, id) => SendAsync(c, HttpMethod.Post, $"/v2/images/{ImageForm.UnknownId}/import", id, direct)),
            ("stage of an unknown image", (c, id) => SendAsync(c, HttpMethod.Put, $"/v2/images/{ImageForm.UnknownId}/stage", id, data: data)),
            ("stage", (c, id) => SendAsync(c, HttpMethod.Put, $"/v2/images/{id}/stage", id, data: data)),
            ("the staged image", (c, id) => SendAsync(c, HttpMethod.Get, $"/v2/images/{id}", id)),
            ("import glance-direct", (c, id) => SendAsync(c, HttpMethod.Post, $"/v2/images/{id}/import", id, direct)),
            ("the imported image", async (c, id) => await ActiveAsync(c, id)),
            ("stage on an active image", (c, id) => SendAsync(c, HttpMethod.Put, $"/v2/images/{id}/stage", id, data: data)),
            ("the image's tasks", (c, id) => SendAsync(c, HttpMethod.Get, $"/v2/images/{id}/tasks", id)),
        };
        var differences = new List<string>();
        foreach (var (step, send) in steps)
        {
            var glance = await send(Glance, glanceId);
            var gateway = await send(_gateway.Client, gatewayId);
            if (glance != gateway)
            {
                differences.Add($"{step}: {Difference(glance, gateway)}");
            }
        }

        Assert.True(differences.Count == 0, string.Join('\n', differences));
    }

    private async Task<string> CreateAsync(HttpClient client)
    {
        using var request = Request(HttpMethod.Post, "/v2/images", """{"name": "import-parity", "disk_format": "raw", "container_format": "bare"}""", null);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!;
        _images.Add((client, id));
        return id;
    }

    // The image once its import ended: active or killed, and its import task no longer
    // pending nor processing (Glance runs the import after its 202; so may the store); as it is
    // after 60 s otherwise.
    private async Task<Answer> ActiveAsync(HttpClient client, string id)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var image = await SendAsync(client, HttpMethod.Get, $"/v2/images/{id}", id);
            var tasks = await SendAsync(client, HttpMethod.Get, $"/v2/images/{id}/tasks", id);
            var ended = (image.Body.Contains("\"status\": \"active\"", StringComparison.Ordinal) || image.Body.Contains("\"status\": \"killed\"", StringComparison.Ordinal))
                && !tasks.Body.Contains("\"status\": \"processing\"", StringComparison.Ordinal)
                && !tasks.Body.Contains("\"status\": \"pending\"", StringComparison.Ordinal);
            if (ended || DateTime.UtcNow > until)
            {
                return image;
            }

            await Task.Delay(250);
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string? json, byte[]? data)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("X-Auth-Token", _suite.Tokens.Owner);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new("application/json");
        }
        else if (data is not null)
        {
            request.Content = new ByteArrayContent(data);
            request.Content.Headers.ContentType = new("application/octet-stream");
        }

        return request;
    }

    private async Task<Answer> SendAsync(HttpClient client, HttpMethod method, string path, string imageId, string? json = null, byte[]? data = null)
    {
        using var request = Request(method, path, json, data);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (imageId.Length > 0)
        {
            body = body.Replace(imageId, "{image}", StringComparison.Ordinal);
        }

        body = Time().Replace(Uuid().Replace(body, "{uuid}"), "TIME");
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), body);
    }

    private static string Difference(Answer glance, Answer gateway) =>
        $"the gateway's answer differs from Glance's\n  Glance:  {glance}\n  gateway: {gateway}";

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)?")]
    private static partial Regex Time();

    [GeneratedRegex(@"""usage"": \d+")]
    private static partial Regex UsageCount();

    private sealed record Answer(int Status, string? ContentType, string Body);
}
