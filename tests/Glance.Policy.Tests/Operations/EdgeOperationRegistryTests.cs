using Glance.Policy.Operations;
using Glance.Policy.Routing;

namespace Glance.Policy.Tests.Operations;

/// <summary>The registration lines of the operations added with their functions: route, rule, facts, body and default mode.</summary>
public sealed class EdgeOperationRegistryTests
{
    public static TheoryData<string, string, string, string, EdgeFactsNeeded, bool, EdgeMode> Rows => new()
    {
        { "add_image", "images", "create", "add_image", EdgeFactsNeeded.None, true, EdgeMode.Enforce },
        { "import_image", "images", "import_image", "modify_image", EdgeFactsNeeded.Image, true, EdgeMode.Shadow },
        { "stage_image", "image_data", "stage", "modify_image", EdgeFactsNeeded.Image, false, EdgeMode.Shadow },
        { "delete_from_store", "images", "delete_from_store", "delete_image_location", EdgeFactsNeeded.Image, false, EdgeMode.Shadow },
        { "get_task_info", "images", "get_task_info", "get_image", EdgeFactsNeeded.Image, false, EdgeMode.Enforce },
        { "stores_info_detail", "discovery", "get_stores_detail", "stores_info_detail", EdgeFactsNeeded.None, false, EdgeMode.Shadow },
        { "get_cache_state", "cached_images", "get_cache_state", "cache_list", EdgeFactsNeeded.None, false, EdgeMode.Enforce },
        { "clear_cache", "cached_images", "clear_cache", "cache_delete", EdgeFactsNeeded.None, false, EdgeMode.Enforce },
        { "delete_cache_entry", "cached_images", "delete_cache_entry", "cache_delete", EdgeFactsNeeded.Image, false, EdgeMode.Shadow },
        { "queue_image", "cached_images", "queue_image_from_api", "cache_image", EdgeFactsNeeded.Image, false, EdgeMode.Enforce },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_operation_is_registered_on_its_route(string name, string controller, string action, string rule, EdgeFactsNeeded facts, bool readsBody, EdgeMode mode)
    {
        var operation = EdgeOperations.Named(name);
        Assert.NotNull(operation);
        Assert.Equal((controller, action, rule, facts, readsBody, mode), (operation.Controller, operation.Action, operation.Rule, operation.Facts, operation.ReadsJsonBody, operation.DefaultMode));
        Assert.Equal(mode == EdgeMode.Shadow, !string.IsNullOrEmpty(operation.DefaultModeReason));
        Assert.Same(operation, EdgeOperations.Find(new GlanceRouteMethod("X", controller, action, BodyReject: false)));
    }

    [Fact]
    public void Every_routed_action_is_registered_at_most_once() =>
        Assert.Equal(EdgeOperations.All.Count, EdgeOperations.All.Select(op => (op.Controller, op.Action)).Distinct().Count());
}
