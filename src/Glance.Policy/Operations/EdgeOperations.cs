using System.Collections.Frozen;
using Glance.Policy.Members;
using Glance.Policy.Routing;
using Glance.Policy.Rules;

namespace Glance.Policy.Operations;

/// <summary>
/// Every operation the edge decides, one registration line each: its name, the router's
/// controller and action, the rule of an allow, the facts it reads, and its decision function
/// (the same function the store decides with). Adding an operation is its function, its line
/// here and its tests.
/// </summary>
public static class EdgeOperations
{
    private static readonly EdgeOperation[] Registered =
    [
        Op("get_images", "images", "index", PolicyRuleNames.GetImages, EdgeFactsNeeded.None, ImageOperations.List),
        Op("get_image", "images", "show", PolicyRuleNames.GetImage, EdgeFactsNeeded.Image, ImageOperations.Show),
        Op("delete_image", "images", "delete", PolicyRuleNames.DeleteImage, EdgeFactsNeeded.Image, ImageOperations.Delete),
        Op("modify_image", "images", "update", PolicyRuleNames.ModifyImage, EdgeFactsNeeded.Image, ImagePatchOperation.Decide, readsJsonBody: true),
        Op("deactivate", "image_actions", "deactivate", PolicyRuleNames.Deactivate, EdgeFactsNeeded.Image, ImageOperations.Deactivate),
        Op("reactivate", "image_actions", "reactivate", PolicyRuleNames.Reactivate, EdgeFactsNeeded.Image, ImageOperations.Reactivate),
        Op("download_image", "image_data", "download", PolicyRuleNames.DownloadImage, EdgeFactsNeeded.Image, ImageOperations.Download),
        Op("upload_image", "image_data", "upload", PolicyRuleNames.UploadImage, EdgeFactsNeeded.Image, ImageOperations.Upload),
        Op("add_image_tag", "image_tags", "update", PolicyRuleNames.ModifyImage, EdgeFactsNeeded.Image, input => ImageOperations.ChangeTag(input, add: true)),
        Op("delete_image_tag", "image_tags", "delete", PolicyRuleNames.ModifyImage, EdgeFactsNeeded.Image, input => ImageOperations.ChangeTag(input, add: false)),
        Op("get_members", "image_members", "index", PolicyRuleNames.GetMembers, EdgeFactsNeeded.Image, MemberOperations.List),
        Op("get_member", "image_members", "show", PolicyRuleNames.GetMember, EdgeFactsNeeded.Image, MemberOperations.Show),
        Op("add_member", "image_members", "create", PolicyRuleNames.AddMember, EdgeFactsNeeded.Image, MemberOperations.Add, readsJsonBody: true),
        Op("modify_member", "image_members", "update", PolicyRuleNames.ModifyMember, EdgeFactsNeeded.ImageAndMember, MemberOperations.Update, readsJsonBody: true),
        new("delete_member", "image_members", "delete", PolicyRuleNames.DeleteMember, EdgeFactsNeeded.ImageAndMember, readsJsonBody: false, DeleteMember, EdgeMode.Enforce, null),
        Op("add_image", "images", "create", PolicyRuleNames.AddImage, EdgeFactsNeeded.None, CreateOperations.AddImage, readsJsonBody: true),
        new("import_image", "images", "import_image", PolicyRuleNames.ModifyImage, EdgeFactsNeeded.Image, readsJsonBody: true, ImportImage, EdgeMode.Shadow, ImportModeReason),
        Op("stage_image", "image_data", "stage", PolicyRuleNames.ModifyImage, EdgeFactsNeeded.Image, input => ImportOperations.Stage(input, glanceDirectEnabled: true), mode: EdgeMode.Shadow, modeReason: StageModeReason),
        Op("delete_from_store", "images", "delete_from_store", PolicyRuleNames.DeleteImageLocation, EdgeFactsNeeded.Image, input => LocationOperations.DeleteFromStore(input, enabledBackends: null), mode: EdgeMode.Shadow, modeReason: DeleteFromStoreModeReason),
        Op("add_task", "tasks", "create", PolicyRuleNames.TasksApiAccess, EdgeFactsNeeded.None, TaskOperations.Access),
        Op("get_tasks", "tasks", "index", PolicyRuleNames.TasksApiAccess, EdgeFactsNeeded.None, TaskOperations.Access),
        Op("get_task", "tasks", "get", PolicyRuleNames.TasksApiAccess, EdgeFactsNeeded.None, TaskOperations.Access),
        Op("delete_task", "tasks", "delete", PolicyRuleNames.TasksApiAccess, EdgeFactsNeeded.None, TaskOperations.Access),
        Op("get_task_info", "images", "get_task_info", PolicyRuleNames.GetImage, EdgeFactsNeeded.Image, TaskOperations.GetTaskInfo),
        Op("stores_info_detail", "discovery", "get_stores_detail", PolicyRuleNames.StoresInfoDetail, EdgeFactsNeeded.None, input => ServiceOperations.StoresDetail(input, multiBackend: true), mode: EdgeMode.Shadow, modeReason: StoresDetailModeReason),
        Op("get_cache_state", "cached_images", "get_cache_state", PolicyRuleNames.CacheList, EdgeFactsNeeded.None, ServiceOperations.GetCacheState),
        Op("clear_cache", "cached_images", "clear_cache", PolicyRuleNames.CacheDelete, EdgeFactsNeeded.None, ServiceOperations.ClearCache),
        Op("delete_cache_entry", "cached_images", "delete_cache_entry", PolicyRuleNames.CacheDelete, EdgeFactsNeeded.Image, input => ServiceOperations.DeleteCacheEntry(input, inCache: false), mode: EdgeMode.Shadow, modeReason: DeleteCacheEntryModeReason),
        Op("queue_image", "cached_images", "queue_image_from_api", PolicyRuleNames.CacheImage, EdgeFactsNeeded.Image, ServiceOperations.QueueImage),
        Op("list_metadef_resource_types", "metadef_resource_types", "index", PolicyRuleNames.ListMetadefResourceTypes, EdgeFactsNeeded.None, MetadefOperations.ListResourceTypes),
        Op("get_metadef_namespaces", "metadef_namespaces", "index", PolicyRuleNames.GetMetadefNamespaces, EdgeFactsNeeded.None, MetadefOperations.ListNamespaces),
        Op("add_metadef_namespace", "metadef_namespaces", "create", PolicyRuleNames.AddMetadefNamespace, EdgeFactsNeeded.None, MetadefOperations.AddNamespace, readsJsonBody: true),
        Op("get_metadef_namespace", "metadef_namespaces", "show", PolicyRuleNames.GetMetadefNamespace, EdgeFactsNeeded.Namespace, MetadefOperations.ShowNamespace),
        Op("get_metadef_objects", "metadef_objects", "index", PolicyRuleNames.GetMetadefObjects, EdgeFactsNeeded.Namespace, MetadefOperations.ListObjects),
        Op("get_metadef_properties", "metadef_properties", "index", PolicyRuleNames.GetMetadefProperties, EdgeFactsNeeded.Namespace, MetadefOperations.ListProperties),
        Op("get_metadef_tags", "metadef_tags", "index", PolicyRuleNames.GetMetadefTags, EdgeFactsNeeded.Namespace, MetadefOperations.ListTags),
        Op("get_metadef_object", "metadef_objects", "show", PolicyRuleNames.GetMetadefObject, EdgeFactsNeeded.Namespace, MetadefOperations.ShowObject),
        Op("get_metadef_property", "metadef_properties", "show", PolicyRuleNames.GetMetadefProperty, EdgeFactsNeeded.Namespace, MetadefOperations.ShowProperty),
        Op("get_metadef_tag", "metadef_tags", "show", PolicyRuleNames.GetMetadefTag, EdgeFactsNeeded.Namespace, MetadefOperations.ShowTag),
        Op("delete_metadef_namespace", "metadef_namespaces", "delete", PolicyRuleNames.DeleteMetadefNamespace, EdgeFactsNeeded.Namespace, MetadefOperations.DeleteNamespace),
        Op("delete_metadef_object", "metadef_objects", "delete", PolicyRuleNames.DeleteMetadefObject, EdgeFactsNeeded.Namespace, MetadefOperations.DeleteObject),
        Op("remove_metadef_property", "metadef_properties", "delete", PolicyRuleNames.RemoveMetadefProperty, EdgeFactsNeeded.Namespace, MetadefOperations.DeleteProperty),
        Op("delete_metadef_tag", "metadef_tags", "delete", PolicyRuleNames.DeleteMetadefTag, EdgeFactsNeeded.Namespace, MetadefOperations.DeleteTag),
        Op("remove_metadef_resource_type_association", "metadef_resource_types", "delete", PolicyRuleNames.RemoveMetadefResourceTypeAssociation, EdgeFactsNeeded.Namespace, MetadefOperations.RemoveResourceTypeAssociation),
        Op("delete_metadef_namespace_objects", "metadef_namespaces", "delete_objects", PolicyRuleNames.DeleteMetadefNamespace, EdgeFactsNeeded.Namespace, input => MetadefOperations.DeleteContents(input, tags: false)),
        Op("delete_metadef_namespace_properties", "metadef_namespaces", "delete_properties", PolicyRuleNames.DeleteMetadefNamespace, EdgeFactsNeeded.Namespace, input => MetadefOperations.DeleteContents(input, tags: false)),
        Op("delete_metadef_tags", "metadef_namespaces", "delete_tags", PolicyRuleNames.DeleteMetadefTags, EdgeFactsNeeded.Namespace, input => MetadefOperations.DeleteContents(input, tags: true)),
        Op("modify_metadef_namespace", "metadef_namespaces", "update", PolicyRuleNames.ModifyMetadefNamespace, EdgeFactsNeeded.Namespace, MetadefWriteOperations.UpdateNamespace, readsJsonBody: true),
        Op("add_metadef_object", "metadef_objects", "create", PolicyRuleNames.AddMetadefObject, EdgeFactsNeeded.Namespace, MetadefWriteOperations.AddObject, readsJsonBody: true),
        Op("modify_metadef_object", "metadef_objects", "update", PolicyRuleNames.ModifyMetadefObject, EdgeFactsNeeded.Namespace, MetadefWriteOperations.UpdateObject, readsJsonBody: true),
        Op("add_metadef_property", "metadef_properties", "create", PolicyRuleNames.AddMetadefProperty, EdgeFactsNeeded.Namespace, MetadefWriteOperations.AddProperty, readsJsonBody: true),
        Op("modify_metadef_property", "metadef_properties", "update", PolicyRuleNames.ModifyMetadefProperty, EdgeFactsNeeded.Namespace, MetadefWriteOperations.UpdateProperty, readsJsonBody: true),
        Op("add_metadef_tag", "metadef_tags", "create", PolicyRuleNames.AddMetadefTag, EdgeFactsNeeded.Namespace, MetadefWriteOperations.AddTag),
        Op("modify_metadef_tag", "metadef_tags", "update", PolicyRuleNames.ModifyMetadefTag, EdgeFactsNeeded.Namespace, MetadefWriteOperations.UpdateTag, readsJsonBody: true),
        Op("add_metadef_tags", "metadef_tags", "create_tags", PolicyRuleNames.AddMetadefTags, EdgeFactsNeeded.Namespace, MetadefWriteOperations.AddTags, readsJsonBody: true),
        Op("add_metadef_resource_type_association", "metadef_resource_types", "create", PolicyRuleNames.AddMetadefResourceTypeAssociation, EdgeFactsNeeded.Namespace, MetadefWriteOperations.AddResourceTypeAssociation, readsJsonBody: true),
        Op("list_metadef_namespace_resource_types", "metadef_resource_types", "show", PolicyRuleNames.ListMetadefResourceTypes, EdgeFactsNeeded.Namespace, MetadefOperations.ListResourceTypeAssociations),
    ];

    private const string ImportModeReason =
        "Before its rule, import_image refuses a method the backend does not enable (enabled_import_methods; the edge assumes Glance's default) and, with use_keystone_limits, a caller over the Keystone image size quota: the backend's configuration and state.";

    private const string StageModeReason =
        "Before its rule, stage refuses when the backend does not enable glance-direct (enabled_import_methods; the edge assumes it does) and, with use_keystone_limits, a caller over the Keystone staging quota: the backend's configuration and state.";

    private const string DeleteFromStoreModeReason =
        "Before its rules, delete_from_store answers 404 without enabled_backends and 409 for a store not enabled: the backend's configuration (the edge assumes the store is enabled).";

    private const string StoresDetailModeReason =
        "Before its rule, get_stores_detail answers 404 without enabled_backends: the backend's configuration (the edge assumes multiple backends).";

    private const string DeleteCacheEntryModeReason =
        "An image the lookup misses is still removed when it is in the cache or its queue, else 404: the backend's cache contents (the edge assumes it is not).";

    private static readonly FrozenDictionary<(string Controller, string Action), EdgeOperation> ByRoute =
        Registered.ToFrozenDictionary(op => (op.Controller, op.Action));

    /// <summary>Every registered operation, in registration order.</summary>
    public static IReadOnlyList<EdgeOperation> All => Registered;

    /// <summary>The operation the router's <paramref name="routed"/> method is, or null when the edge does not decide it.</summary>
    public static EdgeOperation? Find(GlanceRouteMethod? routed) =>
        routed is not null && ByRoute.TryGetValue((routed.Controller, routed.Action), out var op) ? op : null;

    /// <summary>The operation named <paramref name="name"/>, or null.</summary>
    public static EdgeOperation? Named(string name) => Array.Find(Registered, op => op.Name == name);

    private static EdgeOperation Op(
        string name, string controller, string action, string rule, EdgeFactsNeeded facts, Func<EdgeInput, Refusal?> decide,
        bool readsJsonBody = false, EdgeMode mode = EdgeMode.Enforce, string? modeReason = null) =>
        new(name, controller, action, rule, facts, readsJsonBody, input => decide(input) is { } refusal
            ? EdgeDecision.Refused(name, refusal, "CodedCheck")
            : EdgeDecision.Allowed(name, rule), mode, modeReason);

    // import_image: the rule of an allow is the body's: copy_image for copy-image, else modify_image.
    private static EdgeDecision ImportImage(EdgeInput input) =>
        ImportOperations.Import(input, ImportOperations.DefaultEnabledMethods) is { } refusal
            ? EdgeDecision.Refused("import_image", refusal, "CodedCheck")
            : EdgeDecision.Allowed("import_image", ImportOperations.RuleOf(ImportOperations.MethodOf(input.Body)));

    // CONFORMANCE.md section 1: the rows are the reasons.
    private static EdgeDecision DeleteMember(EdgeInput input)
    {
        var decision = MemberDeletePolicy.Decide(
            input.Image, input.Membership, input.Caller.Credentials, input.ImageId, input.MemberId!, input.Caller.Rules);
        return new("delete_member", decision.Rule.ToString(), (int)decision.Rule, decision.PolicyRule, decision.StatusCode, decision.Explanation);
    }
}
