namespace Glance.Policy.Members;

/// <summary>
/// The rules of <c>DELETE /v2/images/{image_id}/members/{member_id}</c>, as observed on Glance 25
/// with its legacy default policy (CONFORMANCE.md section 1). Pure: the gateway and the store
/// gather the facts and write the answer; this decides.
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
            return new(MemberDeleteRule.BodyNotExpected, 400, Errors.GlanceErrorWriter.BodyNotExpected);
        }

        return null;
    }

    /// <summary>
    /// Rows 5-9: the decision over an image's facts. <paramref name="image"/> is null when the
    /// image does not exist, is deleted, or its id is not an exact stored id.
    /// </summary>
    public static MemberDeleteDecision Decide(ImageFacts? image, Caller caller, string imageId, string memberId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(imageId);
        ArgumentNullException.ThrowIfNull(memberId);

        if (image is null || !CanSee(image, caller))
        {
            return new(MemberDeleteRule.ImageNotFound, 404, ImageNotFound(imageId));
        }

        if (!image.IsShared)
        {
            return new(MemberDeleteRule.ImageNotShared, 403, NotAllowed(image.Id));
        }

        if (!caller.IsAdmin && (image.Owner is null || !string.Equals(caller.ProjectId, image.Owner, StringComparison.Ordinal)))
        {
            return new(MemberDeleteRule.NotImageOwner, 403, NotAllowed(image.Id));
        }

        if (!image.Members.Contains(memberId))
        {
            return new(MemberDeleteRule.MemberNotFound, 404, MemberNotFound(memberId, image.Id));
        }

        return MemberDeleteDecision.Allow;
    }

    /// <summary>
    /// Glance's visibility rule: admin always; an image with no owner; public and community images;
    /// the owner; for shared images, a project in the member list with any member status.
    /// </summary>
    public static bool CanSee(ImageFacts image, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsAdmin || image.Owner is null)
        {
            return true;
        }

        if (image.Visibility is ImageVisibility.Public or ImageVisibility.Community)
        {
            return true;
        }

        if (caller.ProjectId is null)
        {
            return false;
        }

        if (string.Equals(caller.ProjectId, image.Owner, StringComparison.Ordinal))
        {
            return true;
        }

        return image.IsShared && image.Members.Contains(caller.ProjectId);
    }

    /// <summary>True for GET, HEAD, PUT and DELETE: the methods Glance routes on the member path.</summary>
    public static bool IsMemberPathMethod(string method) => method is "GET" or "PUT" or "DELETE";

    /// <summary>The 404 explanation for an image the caller cannot see.</summary>
    public static string ImageNotFound(string imageId) => $"Image {imageId} not found.";

    /// <summary>The 404 explanation of row 8.</summary>
    public static string MemberNotFound(string memberId, string imageId) => $"{memberId} not found in the member list of the image {imageId}.";

    /// <summary>The 403 explanation of rows 6 and 7.</summary>
    public static string NotAllowed(string imageId) => $"Not allowed to delete members for image {imageId}.";

    /// <summary>The 405 explanation; webob's template keeps the trailing space.</summary>
    public static string MethodNotAllowed(string method) => $"The method {method} is not allowed for this resource. ";
}
