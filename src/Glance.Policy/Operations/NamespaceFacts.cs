namespace Glance.Policy.Operations;

/// <summary>
/// What a metadef decision reads of the route's namespace (a row of <c>metadef_namespaces</c>):
/// its name, owner, visibility and <c>protected</c>.
/// </summary>
public sealed record NamespaceFacts(string Namespace, string? Owner, string? Visibility, bool? Protected)
{
    /// <summary>
    /// <c>_is_namespace_visible</c> (glance/db/sqlalchemy/metadef_api/namespace.py): an admin sees
    /// every namespace, anyone a public one, a project its own.
    /// </summary>
    public bool IsVisibleTo(bool isAdmin, string? project) =>
        isAdmin || Visibility == "public" || (project is not null && project == Owner);
}
