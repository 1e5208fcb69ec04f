namespace Glance.ImageStore.Metadefs;

/// <summary>A row of <c>metadef_namespaces</c>; timestamps as stored (with microseconds), <see cref="MetadefTime"/> formats them.</summary>
internal sealed record MetadefNamespace(
    long Id,
    string Namespace,
    string? DisplayName,
    string? Description,
    string? Visibility,
    bool? Protected,
    string Owner,
    string CreatedAt,
    string? UpdatedAt)
{
    /// <summary>
    /// <c>_is_namespace_visible</c> (glance/db/sqlalchemy/metadef_api/namespace.py): an admin sees
    /// every namespace, anyone a public one, a project its own.
    /// </summary>
    public bool IsVisibleTo(bool isAdmin, string? project) => ToFacts().IsVisibleTo(isAdmin, project);

    /// <summary>What an edge decision reads of the namespace.</summary>
    public Glance.Policy.Operations.NamespaceFacts ToFacts() => new(Namespace, Owner, Visibility, Protected);
}
