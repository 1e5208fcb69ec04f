namespace Glance.Policy.Rules;

/// <summary>
/// Glance 25's registered defaults for images and members (<c>glance/policies/base.py</c> and
/// <c>image.py</c>), metadata definitions (<c>metadef.py</c>), tasks (<c>tasks.py</c>) and
/// discovery (<c>discovery.py</c>) and the image cache (<c>cache.py</c>), check strings built exactly as there. Every image rule's deprecated rule is
/// <c>rule:default</c>, and <c>default</c> is <c>""</c> (its own deprecated form <c>role:admin</c>),
/// so in the legacy mode the policy allows everything and Glance's coded checks decide.
/// </summary>
public static class GlanceDefaults
{
    /// <summary><c>PROJECT_MEMBER</c>.</summary>
    public const string ProjectMember = "role:member and project_id:%(project_id)s";

    /// <summary><c>PROJECT_READER</c>.</summary>
    public const string ProjectReader = "role:reader and project_id:%(project_id)s";

    private const string ImageMemberCheck = "project_id:%(member_id)s";
    private const string CommunityVisibilityCheck = "'community':%(visibility)s";
    private const string PublicVisibilityCheck = "'public':%(visibility)s";
    private const string SharedVisibilityCheck = "'shared':%(visibility)s";

    private const string ProjectMemberOrImageMemberOrCommunityOrPublicOrShared =
        $"role:member and (project_id:%(project_id)s or {ImageMemberCheck} or {CommunityVisibilityCheck} or {PublicVisibilityCheck} or {SharedVisibilityCheck})";

    private const string ProjectReaderOrImageMemberOrCommunityOrPublicOrShared =
        $"role:reader and (project_id:%(project_id)s or {ImageMemberCheck} or {CommunityVisibilityCheck} or {PublicVisibilityCheck} or {SharedVisibilityCheck})";

    private const string AdminOrProjectMember = $"role:admin or ({ProjectMember})";
    private const string AdminOrProjectReader = $"role:admin or ({ProjectReader})";
    private const string AdminOrProjectReaderGetImage = $"role:admin or ({ProjectReaderOrImageMemberOrCommunityOrPublicOrShared})";
    private const string AdminOrProjectMemberDownloadImage = $"role:admin or ({ProjectMemberOrImageMemberOrCommunityOrPublicOrShared})";
    private const string AdminOrProjectMemberCreateImage = $"role:admin or ({ProjectMember} and project_id:%(owner)s)";
    private const string AdminOrSharedMember = $"role:admin or (role:member and {ImageMemberCheck})";
    private const string AdminOrProjectReaderOrSharedMember = $"role:admin or role:reader and (project_id:%(project_id)s or {ImageMemberCheck})";

    private const string ProjectReaderOrPublicNamespace = $"role:reader and (project_id:%(project_id)s or {PublicVisibilityCheck})";
    private const string AdminOrProjectReaderGetNamespace = $"role:admin or ({ProjectReaderOrPublicNamespace})";
    private const string MetadefDefault = "rule:metadef_default";
    private const string MetadefAdmin = "rule:metadef_admin";


    private const string Admin = "role:admin";
    private const string Default = "rule:default";
    private const string ManageImageCacheRule = "rule:manage_image_cache";
    private static readonly string[] Project = ["project"];

    /// <summary>The rule oslo.policy falls back to for a <c>rule:</c> that names no rule.</summary>
    public const string DefaultRule = "default";

    /// <summary>The rule whose result is the request context's <c>is_admin</c>.</summary>
    public const string ContextIsAdmin = "context_is_admin";

    /// <summary>Every default, in Glance's registration order.</summary>
    public static IReadOnlyList<PolicyRuleDefault> All { get; } =
    [
        new(DefaultRule, string.Empty, null, "role:admin"),
        new(ContextIsAdmin, "role:admin"),
        new(PolicyRuleNames.AddImage, AdminOrProjectMemberCreateImage, Project, Default),
        new(PolicyRuleNames.DeleteImage, AdminOrProjectMember, Project, Default),
        new(PolicyRuleNames.GetImage, AdminOrProjectReaderGetImage, Project, Default),
        new(PolicyRuleNames.GetImages, AdminOrProjectReader, Project, Default),
        new(PolicyRuleNames.ModifyImage, AdminOrProjectMember, Project, Default),
        new(PolicyRuleNames.PublicizeImage, "role:admin", Project),
        new(PolicyRuleNames.CommunitizeImage, AdminOrProjectMember, Project, Default),
        new(PolicyRuleNames.DownloadImage, AdminOrProjectMemberDownloadImage, Project, Default),
        new(PolicyRuleNames.UploadImage, AdminOrProjectMember, Project, Default),
        new(PolicyRuleNames.DeleteImageLocation, "role:admin", Project, Default),
        new(PolicyRuleNames.GetImageLocation, AdminOrProjectReader, Project, Default),
        new(PolicyRuleNames.SetImageLocation, AdminOrProjectMember, Project, Default),
        new(PolicyRuleNames.AddMember, AdminOrProjectMember, Project, Default),
        new(PolicyRuleNames.DeleteMember, AdminOrProjectMember, Project, Default),
        new(PolicyRuleNames.GetMember, AdminOrProjectReaderOrSharedMember, Project, Default),
        new(PolicyRuleNames.GetMembers, AdminOrProjectReaderOrSharedMember, Project, Default),
        new(PolicyRuleNames.ModifyMember, AdminOrSharedMember, Project, Default),
        new(PolicyRuleNames.ManageImageCache, "role:admin", Project),
        new(PolicyRuleNames.Deactivate, AdminOrProjectMember, Project, Default),
        new(PolicyRuleNames.Reactivate, AdminOrProjectMember, Project, Default),
        new(PolicyRuleNames.CopyImage, "role:admin", Project),

        // glance/policies/metadef.py: the readers' rules fall back to rule:metadef_default ("")
        // in the legacy mode; the writers' are rule:metadef_admin in both modes.
        new(PolicyRuleNames.MetadefDefault, string.Empty),
        new(PolicyRuleNames.MetadefAdmin, "role:admin"),
        new(PolicyRuleNames.GetMetadefNamespace, AdminOrProjectReaderGetNamespace, Project, MetadefDefault),
        new(PolicyRuleNames.GetMetadefNamespaces, AdminOrProjectReader, Project, MetadefDefault),
        new(PolicyRuleNames.ModifyMetadefNamespace, MetadefAdmin, Project),
        new(PolicyRuleNames.AddMetadefNamespace, MetadefAdmin, Project),
        new(PolicyRuleNames.DeleteMetadefNamespace, MetadefAdmin, Project),
        new(PolicyRuleNames.GetMetadefObject, AdminOrProjectReaderGetNamespace, Project, MetadefDefault),
        new(PolicyRuleNames.GetMetadefObjects, AdminOrProjectReaderGetNamespace, Project, MetadefDefault),
        new(PolicyRuleNames.ModifyMetadefObject, MetadefAdmin, Project),
        new(PolicyRuleNames.AddMetadefObject, MetadefAdmin, Project),
        new(PolicyRuleNames.DeleteMetadefObject, MetadefAdmin, Project),
        new(PolicyRuleNames.ListMetadefResourceTypes, AdminOrProjectReaderGetNamespace, Project, MetadefDefault),
        new(PolicyRuleNames.GetMetadefResourceType, AdminOrProjectReaderGetNamespace, Project, MetadefDefault),
        new(PolicyRuleNames.AddMetadefResourceTypeAssociation, MetadefAdmin, Project),
        new(PolicyRuleNames.RemoveMetadefResourceTypeAssociation, MetadefAdmin, Project),
        new(PolicyRuleNames.GetMetadefProperty, AdminOrProjectReaderGetNamespace, Project, MetadefDefault),
        new(PolicyRuleNames.GetMetadefProperties, AdminOrProjectReaderGetNamespace, Project, MetadefDefault),
        new(PolicyRuleNames.ModifyMetadefProperty, MetadefAdmin, Project),
        new(PolicyRuleNames.AddMetadefProperty, MetadefAdmin, Project),
        new(PolicyRuleNames.RemoveMetadefProperty, MetadefAdmin, Project),
        new(PolicyRuleNames.GetMetadefTag, AdminOrProjectReaderGetNamespace, Project, MetadefDefault),
        new(PolicyRuleNames.GetMetadefTags, AdminOrProjectReaderGetNamespace, Project, MetadefDefault),
        new(PolicyRuleNames.ModifyMetadefTag, MetadefAdmin, Project),
        new(PolicyRuleNames.AddMetadefTag, MetadefAdmin, Project),
        new(PolicyRuleNames.AddMetadefTags, MetadefAdmin, Project),
        new(PolicyRuleNames.DeleteMetadefTag, MetadefAdmin, Project),
        new(PolicyRuleNames.DeleteMetadefTags, MetadefAdmin, Project),

        // glance/policies/tasks.py: the task rules Glance no longer asks, and the one it does.
        new(PolicyRuleNames.GetTask, Default, Project, Default),
        new(PolicyRuleNames.GetTasks, Default, Project, Default),
        new(PolicyRuleNames.AddTask, Default, Project, Default),
        new(PolicyRuleNames.ModifyTask, Default, Project),
        new(PolicyRuleNames.TasksApiAccess, "role:admin", Project),

        // glance/policies/discovery.py.
        new(PolicyRuleNames.StoresInfoDetail, "role:admin", Project),

        // glance/policies/cache.py: admin only in both modes (the deprecated rule is
        // manage_image_cache, itself role:admin).
        new(PolicyRuleNames.CacheImage, Admin, Project, ManageImageCacheRule),
        new(PolicyRuleNames.CacheList, Admin, Project, ManageImageCacheRule),
        new(PolicyRuleNames.CacheDelete, Admin, Project, ManageImageCacheRule),
    ];
}
