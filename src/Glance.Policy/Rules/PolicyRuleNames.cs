namespace Glance.Policy.Rules;

/// <summary>The names of Glance's image, member, metadef, task, discovery and image cache rules, as policy files and audit events spell them.</summary>
public static class PolicyRuleNames
{
    public const string AddImage = "add_image";
    public const string DeleteImage = "delete_image";
    public const string GetImage = "get_image";
    public const string GetImages = "get_images";
    public const string ModifyImage = "modify_image";
    public const string PublicizeImage = "publicize_image";
    public const string CommunitizeImage = "communitize_image";
    public const string DownloadImage = "download_image";
    public const string UploadImage = "upload_image";
    public const string DeleteImageLocation = "delete_image_location";
    public const string GetImageLocation = "get_image_location";
    public const string SetImageLocation = "set_image_location";
    public const string AddMember = "add_member";
    public const string DeleteMember = "delete_member";
    public const string GetMember = "get_member";
    public const string GetMembers = "get_members";
    public const string ModifyMember = "modify_member";
    public const string ManageImageCache = "manage_image_cache";
    public const string Deactivate = "deactivate";
    public const string Reactivate = "reactivate";
    public const string CopyImage = "copy_image";
    public const string MetadefDefault = "metadef_default";
    public const string MetadefAdmin = "metadef_admin";
    public const string GetMetadefNamespace = "get_metadef_namespace";
    public const string GetMetadefNamespaces = "get_metadef_namespaces";
    public const string ModifyMetadefNamespace = "modify_metadef_namespace";
    public const string AddMetadefNamespace = "add_metadef_namespace";
    public const string DeleteMetadefNamespace = "delete_metadef_namespace";
    public const string GetMetadefObject = "get_metadef_object";
    public const string GetMetadefObjects = "get_metadef_objects";
    public const string ModifyMetadefObject = "modify_metadef_object";
    public const string AddMetadefObject = "add_metadef_object";
    public const string DeleteMetadefObject = "delete_metadef_object";
    public const string ListMetadefResourceTypes = "list_metadef_resource_types";
    public const string GetMetadefResourceType = "get_metadef_resource_type";
    public const string AddMetadefResourceTypeAssociation = "add_metadef_resource_type_association";
    public const string RemoveMetadefResourceTypeAssociation = "remove_metadef_resource_type_association";
    public const string GetMetadefProperty = "get_metadef_property";
    public const string GetMetadefProperties = "get_metadef_properties";
    public const string ModifyMetadefProperty = "modify_metadef_property";
    public const string AddMetadefProperty = "add_metadef_property";
    public const string RemoveMetadefProperty = "remove_metadef_property";
    public const string GetMetadefTag = "get_metadef_tag";
    public const string GetMetadefTags = "get_metadef_tags";
    public const string ModifyMetadefTag = "modify_metadef_tag";
    public const string AddMetadefTag = "add_metadef_tag";
    public const string AddMetadefTags = "add_metadef_tags";
    public const string DeleteMetadefTag = "delete_metadef_tag";
    public const string DeleteMetadefTags = "delete_metadef_tags";

    public const string GetTask = "get_task";
    public const string GetTasks = "get_tasks";
    public const string AddTask = "add_task";
    public const string ModifyTask = "modify_task";
    public const string TasksApiAccess = "tasks_api_access";
    public const string StoresInfoDetail = "stores_info_detail";

    public const string CacheImage = "cache_image";
    public const string CacheList = "cache_list";
    public const string CacheDelete = "cache_delete";
}
