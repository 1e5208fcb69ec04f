namespace Glance.Policy.Members;

/// <summary>
/// The rows of CONFORMANCE.md section 1, in the order Glance applies them, and the policy rule
/// refusal of section 5. The numeric value is the row number, so an audit line or a test can name
/// the rule that decided.
/// </summary>
public enum MemberDeleteRule
{
    /// <summary>Row 1: no, unknown or expired token.</summary>
    Unauthenticated = 1,

    /// <summary>Row 2: blank image id segment (the seed requires 405).</summary>
    BlankImageId = 2,

    /// <summary>Rows 3 and 3b: a method the member path or the members collection does not take.</summary>
    MethodNotAllowed = 3,

    /// <summary>Row 4: DELETE with a body.</summary>
    BodyNotExpected = 4,

    /// <summary>Row 5: the image does not exist, is deleted, or the caller cannot see it.</summary>
    ImageNotFound = 5,

    /// <summary>Row 6: the image's visibility is not <c>shared</c> (admin included).</summary>
    ImageNotShared = 6,

    /// <summary>Row 7: legacy mode only: the caller is neither admin nor the image owner.</summary>
    NotImageOwner = 7,

    /// <summary>Row 8: the member id is not in the member rows the caller may see.</summary>
    MemberNotFound = 8,

    /// <summary>Row 9: the member is removed.</summary>
    Allowed = 9,

    /// <summary>A policy rule refused (<c>get_image</c> → 404, <c>get_member</c> or <c>delete_member</c> → 403); the decision names it.</summary>
    PolicyRefused = 10,
}
