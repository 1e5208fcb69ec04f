using Glance.Policy.Errors;
using Glance.Policy.Language;
using Glance.Policy.Rules;

namespace Glance.Policy.Members;

/// <summary>
/// <c>DELETE /v2/images/{image_id}/members/{member_id}</c> as Glance 25 decides it (CONFORMANCE.md
/// sections 1 and 5): its coded checks and its policy rules, in the order of its code. Pure: the
/// gateway and the store gather the facts and write the answer; this decides.
/// </summary>
public static class MemberDeletePolicy
{
    /// <summary>
    /// The methods the member path takes. Not HEAD: Glance's router (Routes) matches a route's
    /// methods exactly, so HEAD falls through to the 405 route like any other (CONFORMANCE row 3).
    /// </summary>
    public const string MemberPathAllow = "GET, PUT, DELETE";

    /// <summary>The methods the members collection takes.</summary>
    public const string MembersCollectionAllow = "GET, POST";

    /// <summary>
    /// Rows 2-4: the shape of a request on the member path, decided before anything is read.
    /// Returns null when the request may go on to <see cref="Decide"/>.
    /// </summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="imageId">The image id segment as decoded from the path (may be empty).</param>
    /// <param name="hasBody">True when the request carries a body.</param>
    public static MemberDeleteDecision? CheckShape(string method, string imageId, bool hasBody)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(imageId);
        if (imageId.Length == 0)
        {
            return new(MemberDeleteRule.BlankImageId, 405, MethodNotAllowed(method));
        }

        if (!IsMemberPathMethod(method))
        {
            return new(MemberDeleteRule.MethodNotAllowed, 405, MethodNotAllowed(method));
        }

        if (hasBody && method == "DELETE")
        {
            return new(MemberDeleteRule.BodyNotExpected, 400, GlanceErrorWriter.BodyNotExpected);
        }

        return null;
    }

    /// <summary>
    /// Glance's <c>ImageMembersController.delete</c> over an image's facts, asking
    /// <paramref name="rules"/> where Glance asks its enforcer:
    /// <list type="number">
    /// <item><c>_lookup_image</c>: missing, deleted or not visible (is_admin from
    /// <c>context_is_admin</c>) → 404 <c>Image {id} not found.</c></item>
    /// <item><c>_check_visibility_and_ownership</c>: not shared → 403; in the legacy mode only, a
    /// non-admin who is not the owner → 403 (<c>Not allowed to delete members ...</c>).</item>
    /// <item><c>_lookup_member</c>: <c>get_image</c> refused → bare 404 (<c>The resource could not be
    /// found.</c>); <c>get_member</c> refused → 403 naming it; then the member row, among those a
    /// non-admin may see (<c>_image_member_find</c>: rows of images it owns, and its own
    /// membership) → 404 <c>{member} not found in the member list ...</c>.</item>
    /// <item><c>delete_member</c> refused → 403 naming it; otherwise the member is removed.</item>
    /// </list>
    /// </summary>
    /// <param name="image">The image, or null when it does not exist, is deleted, or its id is not exactly a stored id.</param>
    /// <param name="membership">The member rows <see cref="MembershipToRead"/> asked for.</param>
    /// <param name="caller">The caller's credentials.</param>
    /// <param name="imageId">The image id from the URL.</param>
    /// <param name="memberId">The member id from the URL.</param>
    /// <param name="rules">The compiled rules (defaults of the mode plus the operator's file).</param>
    public static MemberDeleteDecision Decide(
        ImageFacts? image, MembershipFacts membership, PolicyCredentials caller, string imageId, string memberId, PolicyRules rules)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(imageId);
        ArgumentNullException.ThrowIfNull(memberId);
        ArgumentNullException.ThrowIfNull(rules);

        var isAdmin = rules.IsAdmin(caller);
        var project = caller.ProjectId;
        if (image is null || !ImageVisibility.IsVisible(image, isAdmin, project, membership.CallerIsMember))
        {
            return new(MemberDeleteRule.ImageNotFound, 404, ImageNotFound(imageId));
        }

        if (!image.IsShared)
        {
            return new(MemberDeleteRule.ImageNotShared, 403, NotAllowed(image.Id));
        }

        if (!rules.Mode.EnforceNewDefaults && !isAdmin && !string.Equals(project, image.Owner, StringComparison.Ordinal))
        {
            return new(MemberDeleteRule.NotImageOwner, 403, NotAllowed(image.Id));
        }

        var target = new ImageTarget(image, project);
        if (!rules.IsAllowed(PolicyRuleNames.GetImage, caller, target))
        {
            return new(MemberDeleteRule.PolicyRefused, 404, GlanceErrorWriter.ResourceNotFound, PolicyRuleNames.GetImage);
        }

        if (!rules.IsAllowed(PolicyRuleNames.GetMember, caller, target))
        {
            return new(MemberDeleteRule.PolicyRefused, 403, NotAuthorized(PolicyRuleNames.GetMember), PolicyRuleNames.GetMember);
        }

        if (!membership.MemberExists || !MayReadMemberRow(image, isAdmin, project, memberId))
        {
            return new(MemberDeleteRule.MemberNotFound, 404, MemberNotFound(memberId, image.Id));
        }

        if (!rules.IsAllowed(PolicyRuleNames.DeleteMember, caller, target))
        {
            return new(MemberDeleteRule.PolicyRefused, 403, NotAuthorized(PolicyRuleNames.DeleteMember), PolicyRuleNames.DeleteMember);
        }

        return MemberDeleteDecision.Allow;
    }

    /// <summary>
    /// <c>_image_member_find</c>'s filter for a caller who is not admin: the rows of images it owns
    /// (a caller with no project "owns" an image with no owner: SQLAlchemy's <c>IS NULL</c>), and
    /// rows whose member is its own project (no row has a NULL member).
    /// </summary>
    public static bool MayReadMemberRow(ImageFacts image, bool isAdmin, string? project, string memberId)
    {
        ArgumentNullException.ThrowIfNull(image);
        return isAdmin || image.IsOwnedBy(project) || (project is not null && string.Equals(memberId, project, StringComparison.Ordinal));
    }

    /// <summary>
    /// The one member row <see cref="Decide"/> will look at for this image and caller, or null when
    /// the image alone decides: not shared, or no row the caller may read. Admin and owner: the
    /// member being deleted; anyone else: their own project's row (it decides visibility, and it is
    /// the only row they may read).
    /// </summary>
    public static string? MembershipToRead(bool isAdmin, string? project, string visibility, string? owner, string memberId)
    {
        if (visibility != ImageVisibility.Shared)
        {
            return null;
        }

        if (isAdmin || string.Equals(project, owner, StringComparison.Ordinal))
        {
            return memberId;
        }

        return project;
    }

    /// <summary>The facts of <paramref name="probe"/>'s row (from <see cref="MembershipToRead"/>) for <see cref="Decide"/>.</summary>
    public static MembershipFacts Membership(string? probe, bool probeIsMember, string? project, string memberId) => new(
        CallerIsMember: probeIsMember && probe is not null && string.Equals(probe, project, StringComparison.Ordinal),
        MemberExists: probeIsMember && probe is not null && string.Equals(probe, memberId, StringComparison.Ordinal));

    /// <summary>True for GET, HEAD, PUT and DELETE: the methods Glance routes on the member path.</summary>
    public static bool IsMemberPathMethod(string method) => method is "GET" or "PUT" or "DELETE";

    /// <summary>Glance's Forbidden for a refused policy rule.</summary>
    public static string NotAuthorized(string rule) => $"You are not authorized to complete {rule} action.";

    /// <summary>The 404 explanation for an image the caller cannot see.</summary>
    public static string ImageNotFound(string imageId) => $"Image {imageId} not found.";

    /// <summary>The 404 explanation of row 8.</summary>
    public static string MemberNotFound(string memberId, string imageId) => $"{memberId} not found in the member list of the image {imageId}.";

    /// <summary>The 403 explanation of rows 6 and 7.</summary>
    public static string NotAllowed(string imageId) => $"Not allowed to delete members for image {imageId}.";

    /// <summary>The 405 explanation; webob's template keeps the trailing space.</summary>
    public static string MethodNotAllowed(string method) => $"The method {method} is not allowed for this resource. ";
}
