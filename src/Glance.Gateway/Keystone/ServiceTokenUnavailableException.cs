namespace Glance.Gateway.Keystone;

/// <summary>
/// Keystone could not issue the gateway's service token, so a request that needs it was not sent.
/// An <see cref="HttpRequestException"/>: to its callers it is one more way the server cannot be reached.
/// </summary>
public sealed class ServiceTokenUnavailableException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    public ServiceTokenUnavailableException()
        : base("no service token from Keystone")
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public ServiceTokenUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and cause.</summary>
    public ServiceTokenUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
