using System.Text.Json;
using Glance.Policy.Language;

namespace Glance.Gateway.Commands;

/// <summary>
/// A caller as the policy commands read it, the credentials oslo.policy sees (oslo.context's
/// <c>to_policy_values()</c>), for example:
/// <code>
/// {"user_id": "u-1", "project_id": "project-a", "roles": ["member", "reader"],
///  "domain_id": null, "system_scope": null, "user_domain_id": "default",
///  "project_domain_id": "default", "is_admin_project": true}
/// </code>
/// Every key is optional but <c>roles</c>; <c>system_scope: "all"</c> is a system-scoped token.
/// </summary>
internal static class CallerFile
{
    /// <summary>Reads the caller file at <paramref name="path"/>.</summary>
    /// <exception cref="CommandUsageException">Unreadable, not JSON, or not a caller.</exception>
    public static PolicyCredentials Read(string path)
    {
        using var document = InputFile.ReadJson(path);
        return FromJson(document.RootElement, path);
    }

    /// <summary>Reads a caller from JSON; <paramref name="where"/> names it in errors.</summary>
    public static PolicyCredentials FromJson(JsonElement caller, string where)
    {
        if (caller.ValueKind != JsonValueKind.Object)
        {
            throw new CommandUsageException($"{where}: the caller is a JSON object (user_id, project_id, roles, ...)");
        }

        foreach (var property in caller.EnumerateObject())
        {
            if (!Known.Contains(property.Name))
            {
                throw new CommandUsageException($"{where}: unknown caller key '{property.Name}' (known: {string.Join(", ", Known)})");
            }
        }

        if (!caller.TryGetProperty("roles", out var roles) || roles.ValueKind != JsonValueKind.Array
            || roles.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
        {
            throw new CommandUsageException($"{where}: the caller's roles are a list of strings");
        }

        return new PolicyCredentials(
            Text(caller, "user_id", where),
            Text(caller, "project_id", where),
            roles.EnumerateArray().Select(r => r.GetString()!).ToList(),
            systemScope: Text(caller, "system_scope", where),
            domainId: Text(caller, "domain_id", where),
            userDomainId: Text(caller, "user_domain_id", where),
            projectDomainId: Text(caller, "project_domain_id", where),
            isAdminProject: !caller.TryGetProperty("is_admin_project", out var adminProject) || adminProject.ValueKind != JsonValueKind.False);
    }

    private static readonly string[] Known =
        ["user_id", "project_id", "roles", "system_scope", "domain_id", "user_domain_id", "project_domain_id", "is_admin_project"];

    private static string? Text(JsonElement caller, string key, string where) =>
        !caller.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new CommandUsageException($"{where}: the caller's {key} is a string or null");
}
