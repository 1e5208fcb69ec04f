using Glance.Policy.Members;
using Glance.Policy.Rules;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's <c>MemberAPIPolicy</c> (glance/api/v2/policy.py) for one caller and one image, with
/// the checks <c>ImageMembersController</c> (glance/api/v2/image_members.py) codes around it.
/// <list type="bullet">
/// <item>Every member rule enforces <c>get_image</c> first: refused, a bare 404 (<c>The resource
/// could not be found.</c>); then the rule itself: refused, 403 <c>You are not authorized to
/// complete {rule} action.</c> Both are HTTP errors already, which the controller's
/// <c>except exception.Forbidden</c> does not catch.</item>
/// <item><see cref="CheckVisibilityAndOwnership"/> raises Glance's own Forbidden, which each
/// controller method words its own way.</item>
/// </list>
/// The DELETE path is <see cref="MemberDeletePolicy.Decide"/>.
/// </summary>
public sealed class MemberPolicy
{
    private readonly Caller _caller;
    private readonly ImageFacts _image;
    private readonly ImageTarget _target;

    private MemberPolicy(Caller caller, ImageFacts image)
    {
        _caller = caller;
        _image = image;
        _target = new ImageTarget(image, caller.ProjectId);
    }

    /// <summary>The member policy of <paramref name="image"/> for <paramref name="caller"/>.</summary>
    public static MemberPolicy For(Caller caller, ImageFacts image)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(image);
        return new(caller, image);
    }

    /// <summary><c>get_members</c>.</summary>
    public Refusal? GetMembers() => Enforce(PolicyRuleNames.GetMembers);

    /// <summary><c>get_member</c>.</summary>
    public Refusal? GetMember() => Enforce(PolicyRuleNames.GetMember);

    /// <summary><c>add_member</c>.</summary>
    public Refusal? AddMember() => Enforce(PolicyRuleNames.AddMember);

    /// <summary><c>modify_member</c>.</summary>
    public Refusal? ModifyMember() => Enforce(PolicyRuleNames.ModifyMember);

    /// <summary>
    /// <c>check('get_member')</c>, the listing's filter of each member row. Its target is the
    /// image, not the row, so it keeps every row or none; called after <see cref="GetMembers"/>
    /// passed, so its <c>get_image</c> passes too.
    /// </summary>
    public bool MayGetMember() => _caller.IsAllowed(PolicyRuleNames.GetMember, _target);

    /// <summary>
    /// <c>_check_visibility_and_ownership</c>: the message of the Glance Forbidden it raises, or
    /// null. Only shared images have members; in the legacy mode a caller who is not admin must
    /// own the image to add members, and must not own it to set a member status.
    /// </summary>
    public string? CheckVisibilityAndOwnership(MemberOwnershipCheck check)
    {
        if (!_image.IsShared)
        {
            return "Only shared images have members.";
        }

        if (!_caller.LegacyChecks || _caller.IsAdmin)
        {
            return null;
        }

        var owner = _image.Owner;
        return check switch
        {
            MemberOwnershipCheck.Create when owner is null || owner != _caller.ProjectId =>
                "You are not permitted to create image members for the image.",
            MemberOwnershipCheck.Update when owner == _caller.ProjectId =>
                "You are not permitted to modify 'status' on this image member.",
            _ => null,
        };
    }

    /// <summary>
    /// <c>_image_member_find</c>'s filter for a caller who is not admin: rows of an image whose
    /// owner is the caller's project, and rows whose member is the caller's project. SQLAlchemy
    /// writes <c>column == None</c> as <c>IS NULL</c>, so a caller without a project reads every
    /// row of an image without an owner (and no other).
    /// </summary>
    public bool MayReadRow(string memberId) => MemberDeletePolicy.MayReadMemberRow(_image, _caller.IsAdmin, _caller.ProjectId, memberId);

    // MemberAPIPolicy._enforce: ImageAPIPolicy.get_image first, then the member rule.
    private Refusal? Enforce(string rule)
    {
        if (!_caller.IsAllowed(PolicyRuleNames.GetImage, _target))
        {
            return Refusal.Hidden(PolicyRuleNames.GetImage);
        }

        return _caller.IsAllowed(rule, _target) ? null : Refusal.NotAuthorized(rule);
    }
}

/// <summary>The <c>ownership_check</c> argument of <c>_check_visibility_and_ownership</c>.</summary>
public enum MemberOwnershipCheck
{
    /// <summary>None: listing and showing members.</summary>
    None,

    /// <summary>Adding a member.</summary>
    Create,

    /// <summary>Setting a member's status.</summary>
    Update,
}
