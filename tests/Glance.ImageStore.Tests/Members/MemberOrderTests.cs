using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Members;

/// <summary>
/// Glance lists an image's members in the order they were added (its query has no ORDER BY: the
/// table's insertion order), whatever their ids, and within one second too (timestamps have whole
/// seconds only); found by the end-to-end comparison with Glance (EdgeOperationsParityTests).
/// </summary>
public sealed class MemberOrderTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSQL)]
    public async Task Members_AreListedInTheOrderAdded_NotByIdOrSecond(DatabaseProvider engine)
    {
        await using var store = await StoreInstance.StartAsync(engine: engine);
        var owner = store.Client(Caller.Project("order-owner"));
        var imageId = await owner.CreateImageIdAsync("{\"visibility\": \"shared\"}");
        string[] added = ["order-z", "order-a", "order-m", "order-b"];

        foreach (var member in added)
        {
            await owner.AddMemberAsync(imageId, member);
        }

        using var list = await owner.SendAsync(HttpMethod.Get, $"v2/images/{imageId}/members");
        var listed = System.Text.Json.Nodes.JsonNode.Parse(await list.Content.ReadAsStringAsync())!["members"]!.AsArray().Select(m => (string)m!["member_id"]!);
        Assert.Equal(added, listed);
        using var duplicate = await owner.SendAsync(HttpMethod.Post, $"v2/images/{imageId}/members", StoreClient.Json("{\"member\": \"order-a\"}"));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, duplicate.StatusCode);
    }
}
