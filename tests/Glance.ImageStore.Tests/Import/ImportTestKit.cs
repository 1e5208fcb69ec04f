using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Glance.ImageStore.Tests.Import;

/// <summary>Helpers of the import tests: octet bodies, waiting for a task's end, a loopback web server.</summary>
internal static class ImportTestKit
{
    public static ByteArrayContent Octets(byte[] data)
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    /// <summary>The image's tasks once none is pending or processing (as Tempest's waiter reads them); fails after 30 s.</summary>
    public static async Task<JsonArray> WaitForTasksAsync(StoreClient client, string imageId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/tasks");
            Assert.Equal(200, (int)response.StatusCode);
            var tasks = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["tasks"]!.AsArray();
            if (tasks.Count > 0 && tasks.All(t => (string?)t!["status"] is "success" or "failure"))
            {
                return tasks;
            }

            Assert.True(DateTime.UtcNow < deadline, $"tasks of {imageId} still running: {tasks.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    /// <summary>Creates a queued raw/bare image and stages <paramref name="data"/> (asserting 204).</summary>
    public static async Task<string> StagedImageAsync(StoreClient owner, byte[] data)
    {
        var imageId = await owner.CreateImageIdAsync("{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        using var stage = await owner.SendAsync(HttpMethod.Put, $"v2/images/{imageId}/stage", Octets(data));
        Assert.Equal(204, (int)stage.StatusCode);
        return imageId;
    }

    public static StringContent Json(string json) => StoreClient.Json(json);

    /// <summary>A web server on a free loopback port: <c>/image</c> answers <paramref name="image"/>, anything else 404.</summary>
    public static async Task<WebApplication> StartWebServerAsync(byte[] image)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/image", () => Results.Bytes(image, "application/octet-stream"));
        await app.StartAsync();
        return app;
    }

    public static Uri Address(WebApplication app) => new(app.Urls.Single());
}
