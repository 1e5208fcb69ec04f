namespace Glance.Policy.Language;

/// <summary>
/// The caller as oslo.policy sees it: oslo.context's <c>to_policy_values()</c> of Glance's
/// request context (roles lower-cased, as Glance's context middleware does), plus the
/// <c>system</c> key that oslo.policy adds for a system-scoped token. Built once per validated
/// token; evaluation only reads it.
/// </summary>
public sealed class PolicyCredentials
{
    private readonly string[] _roles;
    private IPolicyTarget? _contextTarget;

    /// <summary>Creates the credentials; <paramref name="roles"/> are trimmed and lower-cased here.</summary>
    public PolicyCredentials(
        string? userId,
        string? projectId,
        IEnumerable<string> roles,
        string? systemScope = null,
        string? domainId = null,
        string? userDomainId = null,
        string? projectDomainId = null,
        bool isAdminProject = true)
    {
        ArgumentNullException.ThrowIfNull(roles);
        UserId = Blank(userId);
        ProjectId = Blank(projectId);
        SystemScope = Blank(systemScope);
        DomainId = Blank(domainId);
        UserDomainId = Blank(userDomainId);
        ProjectDomainId = Blank(projectDomainId);
        IsAdminProject = isAdminProject;
        _roles = roles.Select(r => r.Trim().ToLowerInvariant()).Where(r => r.Length > 0).ToArray();
    }

    /// <summary><c>user_id</c>.</summary>
    public string? UserId { get; }

    /// <summary><c>project_id</c>: null for a system- or domain-scoped token.</summary>
    public string? ProjectId { get; }

    /// <summary><c>system_scope</c>: <c>all</c> for a system-scoped token, else null.</summary>
    public string? SystemScope { get; }

    /// <summary><c>domain_id</c>: set for a domain-scoped token.</summary>
    public string? DomainId { get; }

    /// <summary><c>user_domain_id</c>.</summary>
    public string? UserDomainId { get; }

    /// <summary><c>project_domain_id</c>.</summary>
    public string? ProjectDomainId { get; }

    /// <summary><c>is_admin_project</c> (oslo.context assumes true when keystonemiddleware did not say).</summary>
    public bool IsAdminProject { get; }

    /// <summary><c>roles</c>, lower-cased.</summary>
    public IReadOnlyList<string> Roles => _roles;

    /// <summary>The target of the <c>context_is_admin</c> check (the context's <c>to_dict()</c>), made once.</summary>
    internal IPolicyTarget ContextTarget => _contextTarget ??= new Rules.CredentialsTarget(this);

    /// <summary>The token's scope as oslo.policy's scope check names it: system, domain or project.</summary>
    public string TokenScope => SystemScope is not null ? "system" : DomainId is not null ? "domain" : "project";

    /// <summary>True when the caller has the role (case-insensitive).</summary>
    public bool HasRole(string role)
    {
        foreach (var candidate in _roles)
        {
            if (string.Equals(candidate, role, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    internal bool HasRole(ReadOnlySpan<char> role)
    {
        foreach (var candidate in _roles)
        {
            if (role.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether credential field <paramref name="field"/> exists and, for a list field, its values.
    /// Scalar values are Python's <c>str()</c> of the field.
    /// </summary>
    internal bool TryGet(CredentialField field, out string scalar, out string[]? list)
    {
        list = null;
        scalar = string.Empty;
        switch (field)
        {
            case CredentialField.UserId: scalar = PythonText.Of(UserId); return true;
            case CredentialField.UserDomainId: scalar = PythonText.Of(UserDomainId); return true;
            case CredentialField.SystemScope: scalar = PythonText.Of(SystemScope); return true;
            case CredentialField.System:
                scalar = SystemScope ?? string.Empty;
                return SystemScope is not null;
            case CredentialField.DomainId: scalar = PythonText.Of(DomainId); return true;
            case CredentialField.ProjectId: scalar = PythonText.Of(ProjectId); return true;
            case CredentialField.ProjectDomainId: scalar = PythonText.Of(ProjectDomainId); return true;
            case CredentialField.Roles: list = _roles; return true;
            case CredentialField.IsAdminProject: scalar = PythonText.Of(IsAdminProject); return true;
            case CredentialField.ServiceUserId:
            case CredentialField.ServiceUserDomainId:
            case CredentialField.ServiceProjectId:
            case CredentialField.ServiceProjectDomainId:
                scalar = PythonText.None;
                return true;
            case CredentialField.ServiceRoles: list = []; return true;
            default: return false;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>The keys of <see cref="PolicyCredentials"/> a generic check can name.</summary>
internal enum CredentialField
{
    Unknown,
    UserId,
    UserDomainId,
    SystemScope,
    System,
    DomainId,
    ProjectId,
    ProjectDomainId,
    Roles,
    IsAdminProject,
    ServiceUserId,
    ServiceUserDomainId,
    ServiceProjectId,
    ServiceProjectDomainId,
    ServiceRoles,
}
