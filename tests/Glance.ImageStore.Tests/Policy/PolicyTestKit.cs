using System.Net;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Policy;

/// <summary>Small helpers shared by the policy tests.</summary>
internal static class PolicyTestKit
{
    public const string PatchMediaType = "application/openstack-images-v2.1-json-patch";

    /// <summary>webob's bare 404: what ImageAPIPolicy answers for an image the policy hides.</summary>
    public const string ResourceNotFound = "The resource could not be found.";

    public static string NewProject(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N");

    public static string NotAuthorized(string rule) => $"You are not authorized to complete {rule} action.";

    /// <summary>Asserts the status and the explanation of a Glance error body, then disposes the response.</summary>
    public static async Task AssertRefusedAsync(Task<HttpResponseMessage> send, int status, string explanation)
    {
        using var response = await send;
        var text = await ErrorText.ExplanationAsync(response);
        Assert.True((int)response.StatusCode == status, $"expected {status} '{explanation}', got {(int)response.StatusCode} '{text}'");
        Assert.Equal(explanation, text);
    }

    /// <summary>Asserts a success status, then disposes the response.</summary>
    public static async Task<JsonNode?> AssertOkAsync(Task<HttpResponseMessage> send, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await send;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode} {body}");
        return body.Length == 0 ? null : JsonNode.Parse(body);
    }

    /// <summary>The ids of the images a listing returns.</summary>
    public static async Task<List<string>> ListIdsAsync(StoreClient client, string query = "")
    {
        var json = await AssertOkAsync(client.SendAsync(HttpMethod.Get, "v2/images" + query));
        return [.. json!["images"]!.AsArray().Select(i => (string)i!["id"]!)];
    }

    /// <summary>Member id and status of every row an admin sees: the store's true state.</summary>
    public static async Task<List<string>> MemberRowsAsync(StoreInstance store, string imageId)
    {
        var json = await AssertOkAsync(store.Client(Caller.Admin).SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members"));
        return [.. json!["members"]!.AsArray().Select(m => (string)m!["member_id"]! + ":" + (string)m["status"]!).Order(StringComparer.Ordinal)];
    }

    /// <summary>The image as an admin sees it (the store's true state), or null when it does not exist.</summary>
    public static Task<JsonObject?> ImageAsAdminAsync(StoreInstance store, string imageId) =>
        store.Client(Caller.Admin).GetImageAsync(imageId);

    public static string CreateBody(string id, string extra = "") =>
        $"{{\"id\": \"{id}\", \"disk_format\": \"raw\", \"container_format\": \"bare\"{(extra.Length == 0 ? string.Empty : ", " + extra)}}}";
}
