using Glance.Policy.Language;

namespace Glance.Policy.Rules;

/// <summary>
/// The target of Glance's <c>context_is_admin</c> check: the request context's <c>to_dict()</c>.
/// The token itself (<c>auth_token</c>) is deliberately not a key: no rule may read it.
/// </summary>
internal sealed class CredentialsTarget(PolicyCredentials credentials) : IPolicyTarget
{
    private readonly string _roles = "[" + string.Join(", ", credentials.Roles.Select(r => "'" + r + "'")) + "]";

    public bool TryGetValue(string key, out string value)
    {
        value = key switch
        {
            "user" => PythonText.Of(credentials.UserId),
            "project_id" or "project" => PythonText.Of(credentials.ProjectId),
            "system_scope" => PythonText.Of(credentials.SystemScope),
            "domain" => PythonText.Of(credentials.DomainId),
            "user_domain" => PythonText.Of(credentials.UserDomainId),
            "project_domain" => PythonText.Of(credentials.ProjectDomainId),
            "is_admin" or "read_only" or "show_deleted" => PythonText.Of(false),
            "is_admin_project" => PythonText.Of(credentials.IsAdminProject),
            "roles" => _roles,
            _ => null!,
        };
        if (value is null)
        {
            value = string.Empty;
            return false;
        }

        return true;
    }
}
