namespace Glance.ImageStore.Facts;

/// <summary>
/// Thrown by <see cref="IImageFactsReader.ReadAsync"/> when the store's database cannot serve
/// (PostgreSQL stopped or restarting, out of connections): the host answers 503 for the request,
/// as the store itself does, instead of a 500 for an unexpected error.
/// </summary>
public sealed class ImageFactsUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageFactsUnavailableException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public ImageFactsUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and the database's error.</summary>
    public ImageFactsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
