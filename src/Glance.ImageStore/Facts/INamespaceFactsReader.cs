using Glance.Policy.Operations;

namespace Glance.ImageStore.Facts;

/// <summary>
/// What the store tells a host running it in process about a metadef namespace, for the host's
/// own edge decisions: its facts (owner, visibility, protected), or null when it does not exist.
/// Visibility to a caller is the decision's (<see cref="NamespaceFacts.IsVisibleTo"/>).
/// </summary>
public interface INamespaceFactsReader
{
    /// <summary>Reads the namespace named <paramref name="name"/>.</summary>
    /// <exception cref="ImageFactsUnavailableException">The store's database cannot serve now (a 503 for the request).</exception>
    Task<NamespaceFacts?> ReadNamespaceAsync(string name, CancellationToken cancellationToken);
}
