using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Rules;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's <c>ImageAPIPolicy</c> (glance/api/v2/policy.py) for one caller and one image (or,
/// for a create, the proposed image): each method is the method of the same name there and
/// returns the refusal Glance answers with, or null when the call may go on.
/// <list type="bullet">
/// <item>A refused rule on an image that exists is a bare 404 (<c>The resource could not be
/// found.</c>) when the rule is <c>get_image</c> or the caller may not <c>get_image</c> either;
/// otherwise 403 <c>You are not authorized to complete {rule} action.</c> (<c>_enforce</c>).</item>
/// <item>Visibility rules (<c>publicize_image</c>, <c>communitize_image</c>) are never turned
/// into a 404 (<c>_enforce_visibility</c>).</item>
/// <item>With <c>enforce_secure_rbac</c> off, <c>check_is_image_mutable</c> follows the rule of
/// <c>modify_image</c>, <c>delete_image</c>, <c>upload_image</c>, <c>deactivate</c>,
/// <c>reactivate</c> and <c>delete_image_location</c>, and <c>check_admin_or_same_owner</c> follows
/// <c>add_image</c>; with it on, the policy alone decides.</item>
/// </list>
/// </summary>
public sealed class ImagePolicy
{
    /// <summary><c>check_is_image_mutable</c>'s message.</summary>
    public const string NotOwner = "You do not own this image";

    private readonly Caller _caller;
    private readonly IPolicyTarget _target;
    private readonly bool _isCreated;
    private readonly ImageFacts? _image;
    private readonly string? _proposedOwner;

    private ImagePolicy(Caller caller, IPolicyTarget target, ImageFacts? image, string? proposedOwner)
    {
        _caller = caller;
        _target = target;
        _image = image;
        _isCreated = image is not null;
        _proposedOwner = proposedOwner;
    }

    /// <summary>The policy of an image that exists (its target is Glance's <c>ImageTarget</c>).</summary>
    public static ImagePolicy For(Caller caller, ImageFacts image)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(image);
        return new(caller, new ImageTarget(image, caller.ProjectId), image, null);
    }

    /// <summary>
    /// The policy of an image about to be created. As in Glance, the target is the dict
    /// <c>{project_id: owner, owner: owner, visibility: visibility}</c>, where the owner is the
    /// requested one (the caller's project when the body names none, possibly None) and the
    /// visibility is the requested one or <c>private</c> (not the <c>shared</c> the image gets).
    /// </summary>
    public static ImagePolicy ForCreate(Caller caller, string? owner, string? visibility)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var target = new DictionaryTarget(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["project_id"] = PythonText.Of(owner),
            ["owner"] = PythonText.Of(owner),
            ["visibility"] = visibility ?? ImageVisibility.Private,
        });
        return new(caller, target, null, owner);
    }

    /// <summary>
    /// The <c>get_images</c> check of <c>ImagesController.index</c>, made directly on the enforcer
    /// with the target <c>{project_id: the caller's project}</c> (no 404 translation).
    /// </summary>
    public static Refusal? GetImages(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var target = new DictionaryTarget(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["project_id"] = PythonText.Of(caller.ProjectId),
        });
        return caller.IsAllowed(PolicyRuleNames.GetImages, target) ? null : Refusal.NotAuthorized(PolicyRuleNames.GetImages);
    }

    /// <summary><c>check('get_image')</c>: true when the caller may see the image (the listing's per-image filter).</summary>
    public bool MayGetImage() => _caller.IsAllowed(PolicyRuleNames.GetImage, _target);

    /// <summary><c>get_image</c> (show).</summary>
    public Refusal? GetImage() => Enforce(PolicyRuleNames.GetImage);

    /// <summary>
    /// <c>add_image</c>: the rule (refused for another owner: <c>You are not permitted to create
    /// images owned by '{owner}'</c>, without a full stop, as Glance words it, and as webob's detail
    /// after the default explanation: Glance raises <c>HTTPForbidden(msg)</c>), then the visibility
    /// rule of the requested visibility, then in the legacy mode <c>check_admin_or_same_owner</c>
    /// (<c>... owned by '{owner}'.</c>, with one).
    /// </summary>
    public Refusal? AddImage()
    {
        if (!_caller.IsAllowed(PolicyRuleNames.AddImage, _target))
        {
            return !string.Equals(_proposedOwner, _caller.ProjectId, StringComparison.Ordinal)
                ? Refusal.WithDetail(403, $"You are not permitted to create images owned by '{PythonText.Of(_proposedOwner)}'") with { PolicyRule = PolicyRuleNames.AddImage }
                : Refusal.NotAuthorized(PolicyRuleNames.AddImage);
        }

        _target.TryGetValue("visibility", out var visibility);
        var refusal = EnforceVisibility(visibility);
        if (refusal is not null)
        {
            return refusal;
        }

        if (_caller.LegacyChecks && !_caller.IsAdmin && !string.Equals(_caller.ProjectId, _proposedOwner, StringComparison.Ordinal))
        {
            return new(403, $"You are not permitted to create images owned by '{PythonText.Of(_proposedOwner)}'.", FromCodedCheck: true, Reason: "NotImageOwner");
        }

        return null;
    }

    /// <summary>
    /// <c>update_property</c>: for <c>visibility</c>, the rule of the new value first (checked even
    /// when the image already has it); then <see cref="ModifyImage"/>.
    /// </summary>
    /// <param name="name">The top-level attribute the patch operation changes.</param>
    /// <param name="value">The new value for add and replace of <c>visibility</c>; null for remove.</param>
    public Refusal? UpdateProperty(string name, string? value)
    {
        if (name == "visibility")
        {
            var refusal = EnforceVisibility(value);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        return ModifyImage();
    }

    /// <summary><c>modify_image</c>, then (legacy) <c>check_is_image_mutable</c>.</summary>
    public Refusal? ModifyImage() => EnforceMutable(PolicyRuleNames.ModifyImage);

    /// <summary><c>update_locations</c>: <c>set_image_location</c>.</summary>
    public Refusal? UpdateLocations() => Enforce(PolicyRuleNames.SetImageLocation);

    /// <summary><c>get_image_location</c>.</summary>
    public Refusal? GetImageLocation() => Enforce(PolicyRuleNames.GetImageLocation);

    /// <summary><c>copy_image</c> (no legacy ownership check).</summary>
    public Refusal? CopyImage() => Enforce(PolicyRuleNames.CopyImage);

    /// <summary><c>delete_locations</c>: <c>delete_image_location</c>, then (legacy) <c>check_is_image_mutable</c>.</summary>
    public Refusal? DeleteLocations() => EnforceMutable(PolicyRuleNames.DeleteImageLocation);

    /// <summary><c>delete_image</c>, then (legacy) <c>check_is_image_mutable</c>.</summary>
    public Refusal? DeleteImage() => EnforceMutable(PolicyRuleNames.DeleteImage);

    /// <summary><c>upload_image</c>, then (legacy) <c>check_is_image_mutable</c>.</summary>
    public Refusal? UploadImage() => EnforceMutable(PolicyRuleNames.UploadImage);

    /// <summary><c>download_image</c>.</summary>
    public Refusal? DownloadImage() => Enforce(PolicyRuleNames.DownloadImage);

    /// <summary><c>deactivate_image</c>: <c>deactivate</c>, then (legacy) <c>check_is_image_mutable</c>.</summary>
    public Refusal? DeactivateImage() => EnforceMutable(PolicyRuleNames.Deactivate);

    /// <summary><c>reactivate_image</c>: <c>reactivate</c>, then (legacy) <c>check_is_image_mutable</c>.</summary>
    public Refusal? ReactivateImage() => EnforceMutable(PolicyRuleNames.Reactivate);

    /// <summary>
    /// <c>check_is_image_mutable</c>: an admin may change any image; anyone else only an image
    /// that has an owner, when they have a project and it is that owner.
    /// </summary>
    public static bool IsMutable(Caller caller, ImageFacts image)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(image);
        return caller.IsAdmin || (image.Owner is not null && caller.ProjectId is not null && image.Owner == caller.ProjectId);
    }

    private Refusal? EnforceMutable(string rule)
    {
        var refusal = Enforce(rule);
        if (refusal is not null)
        {
            return refusal;
        }

        return _caller.LegacyChecks && _image is not null && !IsMutable(_caller, _image)
            ? new(403, NotOwner, FromCodedCheck: true, Reason: "NotImageOwner")
            : null;
    }

    // ImageAPIPolicy._enforce: Forbidden becomes a bare 404 when the image exists and the caller
    // may not see it (the rule is get_image, or get_image refuses too).
    private Refusal? Enforce(string rule)
    {
        if (_caller.IsAllowed(rule, _target))
        {
            return null;
        }

        if (_isCreated && (rule == PolicyRuleNames.GetImage || !MayGetImage()))
        {
            return Refusal.Hidden(rule);
        }

        return Refusal.NotAuthorized(rule);
    }

    // policy._enforce_image_visibility: public needs publicize_image, community communitize_image.
    private Refusal? EnforceVisibility(string? visibility)
    {
        var rule = visibility switch
        {
            ImageVisibility.Public => PolicyRuleNames.PublicizeImage,
            ImageVisibility.Community => PolicyRuleNames.CommunitizeImage,
            _ => null,
        };
        return rule is null || _caller.IsAllowed(rule, _target) ? null : Refusal.NotAuthorized(rule);
    }
}
