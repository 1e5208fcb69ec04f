using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// <c>POST /v2/tasks</c> (the deprecated task API's <c>import</c> task) sent by the admin alike to
/// the real Glance 25.1 (legacy mode, its default <c>[import_filtering_opts]</c>, no
/// <c>[task] work_dir</c>) and to a gateway hosting its own store (<see cref="HostedStoreGatewayFixture"/>):
/// the answer (status, Content-Type, Location, body), then the task each side ends with, read back
/// through its own API. Ids, times and request ids are read alike; each side's own address in
/// Location is written <c>{base}</c>. The URI a task fetches from is this machine's own
/// (non-loopback) address on port 80, which both filters let through and where nothing listens.
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed partial class TaskCreateParityHostedTests(KeystoneFixture keystoneFixture, RealGlanceFixture glanceFixture, HostedStoreGatewayFixture hostedFixture)
    : IAsyncLifetime, IClassFixture<HostedStoreGatewayFixture>
{
    private readonly KeystoneServer _keystone = keystoneFixture.Keystone;
    private RealGlanceSuite _suite = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _suite = await glanceFixture.StartAsync(_keystone);
        _gateway = await hostedFixture.StartAsync(_keystone);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("{\"type\": \"foo\", \"input\": {}}")]
    [InlineData("{\"type\": 5, \"input\": {}}")]
    [InlineData("{\"type\": \"import\", \"input\": 5}")]
    [InlineData("{\"type\": \"import\", \"input\": null}")]
    [InlineData("{\"type\": \"import\", \"input\": {\"import_from\": \"file:///etc/passwd\"}}")]
    [InlineData("{\"type\": \"import\", \"input\": {\"import_from\": \"ftp://example.com/image\"}}")]
    [InlineData("{\"type\": \"import\", \"input\": {\"import_from\": \"http://127.0.0.1/image\"}}")]
    [InlineData("[]")]
    [InlineData("nojson")]
    public async Task Create_RefusedBody_SameAnswerAsGlance(string body)
    {
        var (glance, _) = await PostAsync(_suite.Legacy.Direct, body);
        var (gateway, _) = await PostAsync(_gateway.Client, body);
        Assert.Equal(400, glance.Status);
        Assert.Equal(glance, gateway);
    }

    [Theory]
    [InlineData("{\"import_from\": \"{uri}\"}", "failure")]
    [InlineData("{\"import_from\": \"{uri}\", \"import_from_format\": \"raw\", \"image_properties\": {}}", "failure")]
    [InlineData("{\"import_from\": \"{uri}\", \"import_from_format\": \"raw\", \"image_properties\": {\"name\": \"edge-task\", \"disk_format\": \"raw\", \"container_format\": \"bare\"}}", "failure")]
    public async Task Create_ImportTask_SameAnswerAndSameEndAsGlance(string input, string status)
    {
        var body = "{\"type\": \"import\", \"input\": " + input.Replace("{uri}", "http://" + OwnAddress() + "/edge-task", StringComparison.Ordinal) + "}";
        var (glance, glanceId) = await PostAsync(_suite.Legacy.Direct, body);
        var (gateway, gatewayId) = await PostAsync(_gateway.Client, body);
        Assert.Equal(201, glance.Status);
        Assert.Equal(glance, gateway);

        var glanceTask = await EndAsync(_suite.Legacy.Direct, glanceId!);
        var gatewayTask = await EndAsync(_gateway.Client, gatewayId!);
        Assert.Equal(status, (string?)JsonNode.Parse(glanceTask)!["status"]);
        Assert.Equal(glanceTask, gatewayTask);
    }

    private sealed record Answer(int Status, string? ContentType, string? Location, string Body);

    // The answer, its task id read alike, and that id.
    private async Task<(Answer Answer, string? TaskId)> PostAsync(HttpClient client, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/tasks") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Auth-Token", _suite.Tokens.Admin);
        request.Headers.Add("Accept", "application/json");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var id = (int)response.StatusCode == 201 ? (string?)JsonNode.Parse(text)!["id"] : null;
        var location = response.Headers.Location?.ToString().Replace(client.BaseAddress!.GetLeftPart(UriPartial.Authority), "{base}", StringComparison.Ordinal);
        return (new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), Alike(location, id), Alike(text, id)!), id);
    }

    // The task as the admin reads it once it is no longer pending or processing (bounded: 60 s).
    private async Task<string> EndAsync(HttpClient client, string taskId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/tasks/" + taskId);
            request.Headers.Add("X-Auth-Token", _suite.Tokens.Admin);
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(200, (int)response.StatusCode);
            if ((string?)JsonNode.Parse(text)!["status"] is "success" or "failure")
            {
                return Alike(text, taskId)!;
            }

            Assert.True(DateTime.UtcNow < deadline, $"task {taskId} still running: {text}");
            await Task.Delay(100);
        }
    }

    private static string? Alike(string? text, string? taskId)
    {
        if (text is null)
        {
            return null;
        }

        if (taskId is not null)
        {
            text = text.Replace(taskId, "{task}", StringComparison.Ordinal);
        }

        return Time().Replace(RequestId().Replace(text, "req-{id}"), "{time}");
    }

    // This machine's first non-loopback IPv4 address (Glance's filter refuses loopback ones).
    private static string OwnAddress()
    {
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a) && a.GetAddressBytes()[0] != 169);
        Assert.True(address is not null, "this test needs a non-loopback IPv4 address on this machine");
        return address.ToString();
    }

    [GeneratedRegex("req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex RequestId();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")]
    private static partial Regex Time();
}
