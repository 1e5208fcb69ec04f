using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glance.ImageStore.Tests.Support;

/// <summary>An HTTP client for the store that sends one caller's identity headers.</summary>
public sealed class StoreClient(Uri baseUri, Caller caller)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) });

    public Uri BaseUri { get; } = baseUri;

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, string? accept = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseUri, path)) { Content = content };
        if (caller.Authenticated)
        {
            request.Headers.Add("X-Identity-Status", "Confirmed");
            request.Headers.Add("X-User-Id", caller.Name + "-user");
            if (caller.ProjectId is not null)
            {
                request.Headers.Add("X-Project-Id", caller.ProjectId);
            }

            request.Headers.Add("X-Roles", caller.Roles);
            if (caller.SystemScope)
            {
                request.Headers.Add("OpenStack-System-Scope", "all");
            }
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        configure?.Invoke(request);
        return Http.SendAsync(request);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Patch(string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/openstack-images-v2.1-json-patch");
        return content;
    }

    /// <summary>Creates an image and returns its JSON; fails the test on anything but 201.</summary>
    public async Task<JsonObject> CreateImageAsync(string json = "{}")
    {
        using var response = await SendAsync(HttpMethod.Post, "v2/images", Json(json));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create image: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<string> CreateImageIdAsync(string json = "{}") => (string)(await CreateImageAsync(json))["id"]!;

    public async Task AddMemberAsync(string imageId, string memberId, string? status = null, StoreClient? memberClient = null)
    {
        using var response = await SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", Json(JsonSerializer.Serialize(new { member = memberId })));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"add member: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if (status is not null && memberClient is not null)
        {
            using var update = await memberClient.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/members/{memberId}", Json($"{{\"status\": \"{status}\"}}"));
            Assert.True(update.StatusCode == HttpStatusCode.OK, $"update member: {(int)update.StatusCode} {await update.Content.ReadAsStringAsync()}");
        }
    }

    public async Task PatchAsync(string imageId, string json)
    {
        using var response = await SendAsync(HttpMethod.Patch, $"v2/images/{imageId}", Patch(json));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"patch: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The member ids of an image (as this caller sees them), sorted.</summary>
    public async Task<List<string>> MemberIdsAsync(string imageId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"list members: {(int)response.StatusCode} {body}");
        return [.. JsonNode.Parse(body)!["members"]!.AsArray().Select(m => (string)m!["member_id"]!).Order(StringComparer.Ordinal)];
    }

    /// <summary>The image JSON, or null on 404.</summary>
    public async Task<JsonObject?> GetImageAsync(string imageId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v2/images/{imageId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"get image: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
