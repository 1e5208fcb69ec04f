using System.Text.Json;
using Glance.Policy.Members;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's <c>ImageMembersController</c> (glance/api/v2/image_members.py) up to and through its
/// policy rules, over <see cref="MemberPolicy"/>: the body checks of create and update, then
/// <c>_lookup_image</c> (404 <c>Image {id} not found.</c>), <c>_check_visibility_and_ownership</c>
/// (worded by each method), then the rules. Each returns the refusal Glance answers with, or null.
/// DELETE is <see cref="MemberDeletePolicy.Decide"/>. Shared by the store and the edge.
/// </summary>
public static class MemberOperations
{
    /// <summary>GET …/members: lookup, visibility and ownership (403 naming it), <c>get_members</c>.</summary>
    public static Refusal? List(EdgeInput input)
    {
        if (Lookup(input) is not { } image)
        {
            return Missing(input.ImageId);
        }

        var policy = MemberPolicy.For(input.Caller, image);
        if (policy.CheckVisibilityAndOwnership(MemberOwnershipCheck.None) is { } forbidden)
        {
            return new(403, $"Not allowed to list members for image {image.Id}: {forbidden}", FromCodedCheck: true, Reason: "ImageNotShared");
        }

        return policy.GetMembers();
    }

    /// <summary>
    /// GET …/members/{member}: lookup, visibility (404 with its words: show hides what exists),
    /// <c>get_member</c> (its 403 also becomes a 404). The member row follows, the backend's.
    /// </summary>
    public static Refusal? Show(EdgeInput input)
    {
        if (Lookup(input) is not { } image)
        {
            return Missing(input.ImageId);
        }

        var policy = MemberPolicy.For(input.Caller, image);
        if (policy.CheckVisibilityAndOwnership(MemberOwnershipCheck.None) is { } forbidden)
        {
            return new(404, forbidden, FromCodedCheck: true, Reason: "ImageNotShared");
        }

        var refusal = policy.GetMember();
        return refusal is { StatusCode: 403 } ? refusal with { StatusCode = 404 } : refusal;
    }

    /// <summary>
    /// POST …/members: the body (<see cref="NewMember"/>), lookup, visibility and ownership
    /// (legacy: the owner only), <c>add_member</c>. A duplicate's 409 and quotas follow, the backend's.
    /// </summary>
    public static Refusal? Add(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if ((input.BodyError ?? NewMember(input.Body).Refusal) is { } bad)
        {
            return bad;
        }

        if (Lookup(input) is not { } image)
        {
            return Missing(input.ImageId);
        }

        var policy = MemberPolicy.For(input.Caller, image);
        return policy.CheckVisibilityAndOwnership(MemberOwnershipCheck.Create) is not null
            ? new Refusal(403, $"Not allowed to create members for image {input.ImageId}.", FromCodedCheck: true, Reason: "NotImageOwnerOrNotShared")
            : policy.AddMember();
    }

    /// <summary>
    /// PUT …/members/{member}: the body (<see cref="NewStatus"/>), lookup, visibility and ownership
    /// (legacy: not the owner), <c>get_member</c>, the member row among those the caller may read
    /// (404), <c>modify_member</c>. The status value's 400 follows, the backend's.
    /// </summary>
    public static Refusal? Update(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if ((input.BodyError ?? NewStatus(input.Body)) is { } bad)
        {
            return bad;
        }

        if (Lookup(input) is not { } image)
        {
            return Missing(input.ImageId);
        }

        var policy = MemberPolicy.For(input.Caller, image);
        if (policy.CheckVisibilityAndOwnership(MemberOwnershipCheck.Update) is not null)
        {
            return new(403, $"Not allowed to update members for image {input.ImageId}.", FromCodedCheck: true, Reason: "ImageOwnerOrNotShared");
        }

        var memberId = input.MemberId ?? throw new ArgumentException("A member update names its member.", nameof(input));
        return policy.GetMember()
            ?? (input.Membership.MemberExists && policy.MayReadRow(memberId)
                ? policy.ModifyMember()
                : new Refusal(404, MemberDeletePolicy.MemberNotFound(memberId, image.Id), Reason: "MemberNotFound"));
    }

    /// <summary>The member id of a create's body, or the 400 Glance answers for it.</summary>
    public static (string? MemberId, Refusal? Refusal) NewMember(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } root)
        {
            return (null, BadBody("Expected a member in the form: {\"member\": \"image_id\"}"));
        }

        if (!root.TryGetProperty("member", out var member))
        {
            return (null, BadBody("Member to be added not specified"));
        }

        if (member.ValueKind is JsonValueKind.Null or JsonValueKind.False || (member.ValueKind == JsonValueKind.String && member.GetString()!.Length == 0))
        {
            return (null, BadBody("Member can't be empty"));
        }

        if (member.ValueKind != JsonValueKind.String || member.GetString()!.Length > 255)
        {
            return (null, BadBody("Member must be a project id: a string of at most 255 characters."));
        }

        return (member.GetString(), null);
    }

    /// <summary>The 400 Glance answers for an update's body, or null when it names a status.</summary>
    public static Refusal? NewStatus(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } root)
        {
            return BadBody("Expected a status in the form: {\"status\": \"status\"}");
        }

        return root.TryGetProperty("status", out _) ? null : BadBody("Status not specified");
    }

    private static ImageFacts? Lookup(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.VisibleImage;
    }

    private static Refusal Missing(string imageId) => new(404, MemberDeletePolicy.ImageNotFound(imageId), Reason: "ImageNotFound");

    private static Refusal BadBody(string explanation) => new(400, explanation, Reason: "BadRequestBody");
}
