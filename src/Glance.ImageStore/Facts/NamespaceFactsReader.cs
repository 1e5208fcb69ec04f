using Glance.ImageStore.Persistence;
using Glance.Policy.Operations;

namespace Glance.ImageStore.Facts;

/// <summary>The store's <see cref="INamespaceFactsReader"/>: the namespace lookup its own endpoints make.</summary>
internal sealed class NamespaceFactsReader(MetadefRepository metadefs, IStoreDatabase database) : INamespaceFactsReader
{
    /// <inheritdoc />
    public async Task<NamespaceFacts?> ReadNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        try
        {
            return (await metadefs.FindNamespaceAsync(name, cancellationToken))?.ToFacts();
        }
        catch (Exception exception) when (database.IsUnavailable(exception))
        {
            throw new ImageFactsUnavailableException("The image store's database is unavailable: " + exception.Message, exception);
        }
    }
}
