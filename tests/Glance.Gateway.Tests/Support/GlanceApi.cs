using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Glance.Gateway.Tests.Support;

/// <summary>Glance v2 calls through the gateway, for setting up and checking images and members.</summary>
public static class GlanceApi
{
    /// <summary>A request with a token (and optionally an Accept header).</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string? token, string? accept = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return request;
    }

    /// <summary>DELETE of a member, as a client sends it.</summary>
    public static async Task<HttpResponseMessage> DeleteMemberAsync(HttpClient client, string? token, string imageId, string memberId, string? accept = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = Request(HttpMethod.Delete, $"/v2/images/{imageId}/members/{memberId}", token, accept);
        return await client.SendAsync(request);
    }

    /// <summary>Creates an image and returns its id; <paramref name="extra"/> adds JSON properties.</summary>
    public static async Task<string> CreateImageAsync(HttpClient client, string token, string visibility, string? extra = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var body = $"{{\"name\": \"test\", \"disk_format\": \"raw\", \"container_format\": \"bare\", \"visibility\": \"{visibility}\"{(extra is null ? string.Empty : ", " + extra)}}}";
        using var request = Request(HttpMethod.Post, "/v2/images", token);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create image: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Adds a member (as the owner or admin).</summary>
    public static async Task AddMemberAsync(HttpClient client, string token, string imageId, string memberId)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = Request(HttpMethod.Post, $"/v2/images/{imageId}/members", token);
        request.Content = new StringContent($"{{\"member\": \"{memberId}\"}}", Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"add member: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Sets a member's status (as that member).</summary>
    public static async Task SetMemberStatusAsync(HttpClient client, string memberToken, string imageId, string memberId, string status)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = Request(HttpMethod.Put, $"/v2/images/{imageId}/members/{memberId}", memberToken);
        request.Content = new StringContent($"{{\"status\": \"{status}\"}}", Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"member status: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Applies a JSON patch (as the owner or admin).</summary>
    public static async Task PatchAsync(HttpClient client, string token, string imageId, string patch)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = Request(HttpMethod.Patch, $"/v2/images/{imageId}", token);
        request.Content = new StringContent(patch, Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/openstack-images-v2.1-json-patch");
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"patch: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Uploads a few bytes of image data (so the image becomes active).</summary>
    public static async Task UploadAsync(HttpClient client, string token, string imageId)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = Request(HttpMethod.Put, $"/v2/images/{imageId}/file", token);
        request.Content = new ByteArrayContent("image-bytes"u8.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"upload: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Sends a request and asserts its status.</summary>
    public static async Task ExpectAsync(HttpClient client, HttpMethod method, string path, string token, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = Request(method, path, token);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == status, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>True when the member is still in the image's member list (read as admin).</summary>
    public static async Task<bool> MemberExistsAsync(HttpClient client, string adminToken, string imageId, string memberId)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = Request(HttpMethod.Get, $"/v2/images/{imageId}/members", adminToken);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        // A refused listing must not read as "the member is gone".
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"list members: {(int)response.StatusCode} {text}");
        var members = JsonDocument.Parse(text).RootElement.GetProperty("members");
        return members.EnumerateArray().Any(m => m.GetProperty("member_id").GetString() == memberId);
    }

    /// <summary>GET of a path; returns the response.</summary>
    public static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? token, string? accept = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = Request(HttpMethod.Get, path, token, accept);
        return await client.SendAsync(request);
    }

    /// <summary>Sets the image's visibility (as the owner or admin).</summary>
    public static async Task SetVisibilityAsync(HttpClient client, string token, string imageId, string visibility)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = Request(HttpMethod.Patch, $"/v2/images/{imageId}", token);
        request.Content = new StringContent($"[{{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"{visibility}\"}}]", Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/openstack-images-v2.1-json-patch");
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"patch: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The member ids of a shared image, read with <paramref name="token"/> (the owner's).</summary>
    public static async Task<IReadOnlyList<string>> MembersAsync(HttpClient client, string token, string imageId)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = Request(HttpMethod.Get, $"/v2/images/{imageId}/members", token);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"list members: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("members").EnumerateArray()
            .Select(m => m.GetProperty("member_id").GetString()!)
            .ToList();
    }
}
