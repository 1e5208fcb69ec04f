namespace Glance.Policy.Rules;

/// <summary>The names of Glance's image, member and image cache rules, as policy files and audit events spell them.</summary>
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
    public const string CacheImage = "cache_image";
    public const string CacheList = "cache_list";
    public const string CacheDelete = "cache_delete";
}
