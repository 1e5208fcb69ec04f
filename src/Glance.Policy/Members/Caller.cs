namespace Glance.Policy.Members;

/// <summary>
/// Who is asking, as keystonemiddleware describes it. <see cref="ProjectId"/> is null for a
/// system-scoped token, which Glance's legacy policy treats as admin when it carries the role.
/// </summary>
public sealed record Caller(string? ProjectId, bool IsAdmin)
{
    /// <summary>Builds a caller from a project id and a role list; roles compare case-insensitively.</summary>
    public static Caller From(string? projectId, IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var isAdmin = roles.Any(r => string.Equals(r.Trim(), "admin", StringComparison.OrdinalIgnoreCase));
        return new Caller(string.IsNullOrEmpty(projectId) ? null : projectId, isAdmin);
    }
}
