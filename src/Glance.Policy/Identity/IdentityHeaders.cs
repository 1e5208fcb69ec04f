namespace Glance.Policy.Identity;

/// <summary>
/// The identity headers keystonemiddleware sets (and strips from clients), CONFORMANCE.md section 3.
/// The store trusts them; the gateway removes every client-supplied copy before it forwards.
/// </summary>
public static class IdentityHeaders
{
    public const string IdentityStatus = "X-Identity-Status";
    public const string UserId = "X-User-Id";
    public const string UserName = "X-User-Name";
    public const string UserDomainId = "X-User-Domain-Id";
    public const string UserDomainName = "X-User-Domain-Name";
    public const string ProjectId = "X-Project-Id";
    public const string ProjectName = "X-Project-Name";
    public const string ProjectDomainId = "X-Project-Domain-Id";
    public const string ProjectDomainName = "X-Project-Domain-Name";
    public const string DomainId = "X-Domain-Id";
    public const string DomainName = "X-Domain-Name";
    public const string Roles = "X-Roles";
    public const string IsAdminProject = "X-Is-Admin-Project";
    public const string ServiceCatalog = "X-Service-Catalog";
    public const string SystemScope = "OpenStack-System-Scope";

    /// <summary>The value of <see cref="IdentityStatus"/> for an authenticated request.</summary>
    public const string Confirmed = "Confirmed";

    /// <summary>Every header name to strip, in canonical spelling (the deprecated ones included).</summary>
    public static IReadOnlyList<string> Stripped { get; } =
    [
        IdentityStatus, UserId, UserName, UserDomainId, UserDomainName, ProjectId, ProjectName,
        ProjectDomainId, ProjectDomainName, DomainId, DomainName, Roles, IsAdminProject, ServiceCatalog,
        "X-Role", "X-User", "X-Tenant-Id", "X-Tenant-Name", "X-Tenant", SystemScope,
    ];

    /// <summary>
    /// True for a header a client must not set: any of <see cref="Stripped"/> or the
    /// <c>X-Service-*</c> set, in any letter case, with '-' or '_'.
    /// </summary>
    public static bool IsIdentityHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var normalized = name.Replace('_', '-');
        if (normalized.StartsWith("X-Service-", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var candidate in Stripped)
        {
            if (string.Equals(candidate, normalized, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
