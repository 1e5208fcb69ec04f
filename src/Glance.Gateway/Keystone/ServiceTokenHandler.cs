using System.Net;

namespace Glance.Gateway.Keystone;

/// <summary>
/// Puts the gateway's service token in <c>X-Auth-Token</c> and, when the server answers 401, renews
/// it once and sends the request again (keystonemiddleware does the same with its own token). One
/// handler for every request the gateway makes as itself: Keystone token validations (the caller's
/// token travels in <c>X-Subject-Token</c>) and the pre-check's metadata reads toward a real Glance.
/// It is never in the chain YARP forwards clients' requests with, nor in the one that issues the
/// token. When no token can be issued the request is not sent: <see cref="ServiceTokenUnavailableException"/>.
/// </summary>
public sealed partial class ServiceTokenHandler(ServiceTokenSource tokens, ILogger<ServiceTokenHandler> logger) : DelegatingHandler
{
    /// <summary>The header the token goes in.</summary>
    public const string HeaderName = "X-Auth-Token";

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = await tokens.GetAsync(rejected: null, cancellationToken) ?? throw new ServiceTokenUnavailableException();
        Attach(request, token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        Log.ServiceTokenRejected(logger);
        var renewed = await tokens.GetAsync(rejected: token, cancellationToken);
        if (renewed is null)
        {
            return response;
        }

        // The requests this handler carries are bodiless GETs: sending the message again is safe.
        response.Dispose();
        Attach(request, renewed);
        return await base.SendAsync(request, cancellationToken);
    }

    private static void Attach(HttpRequestMessage request, ServiceToken token)
    {
        request.Headers.Remove(HeaderName);
        request.Headers.TryAddWithoutValidation(HeaderName, token.Value);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "The service token was refused (401); renewing it once and sending the request again")]
        public static partial void ServiceTokenRejected(ILogger logger);
    }
}
