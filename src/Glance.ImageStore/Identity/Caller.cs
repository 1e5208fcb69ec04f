using Glance.Policy.Language;

namespace Glance.ImageStore.Identity;

/// <summary>
/// The caller of a store request: the credentials the policy rules see, and Glance's
/// <c>context.is_admin</c> (the <c>context_is_admin</c> rule of the rules in force when the
/// request arrived).
/// </summary>
internal sealed class Caller(PolicyCredentials credentials, bool isAdmin)
{
    /// <summary>The credentials.</summary>
    public PolicyCredentials Credentials { get; } = credentials;

    /// <summary>The caller's project (Glance's <c>context.owner</c>), null for a system-scoped token.</summary>
    public string? ProjectId => Credentials.ProjectId;

    /// <summary><c>context.is_admin</c>.</summary>
    public bool IsAdmin { get; } = isAdmin;
}
