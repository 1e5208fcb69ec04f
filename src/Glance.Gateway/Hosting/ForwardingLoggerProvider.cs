namespace Glance.Gateway.Hosting;

/// <summary>Sends the hosted store's logs to the gateway's own logging (one application log).</summary>
public sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
        // The target factory belongs to the gateway's container.
    }
}
