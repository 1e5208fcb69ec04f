using Glance.Policy.Rules;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's metadata definitions API (glance/api/v2/metadef_*.py) up to and through its rules,
/// over <see cref="MetadefPolicy"/>, for the operations whose decision reads nothing the edge
/// does not have. Those that read a namespace, a query or a body first are the backend's.
/// </summary>
public static class MetadefOperations
{
    /// <summary>
    /// GET /v2/metadefs/resource_types (<c>ResourceTypeController.index</c>):
    /// <c>list_metadef_resource_types</c> on <c>{project_id: the caller's project}</c>; refused,
    /// a bare 404 when <c>get_metadef_namespace</c> refuses on that target too, else 403 naming it.
    /// </summary>
    public static Refusal? ListResourceTypes(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return MetadefPolicy.For(input.Caller).Enforce(PolicyRuleNames.ListMetadefResourceTypes);
    }
}
