namespace Glance.Gateway.Hosting;

/// <summary>A setting or operator file that stops the gateway from starting; its message is the one line shown.</summary>
public sealed class GatewayConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GatewayConfigurationException()
    {
    }

    /// <summary>Creates the exception with its one-line message.</summary>
    public GatewayConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its one-line message and cause.</summary>
    public GatewayConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
