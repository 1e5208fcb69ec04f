using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Keystone;

/// <summary>
/// Keystone v3 as keystonemiddleware uses it (CONFORMANCE.md section 3): a service token obtained
/// by password and renewed before it expires; callers' tokens validated with
/// <c>GET /v3/auth/tokens?nocatalog</c>. A rejected service token is renewed once and the
/// validation retried. Keystone unreachable, slow or answering garbage is <c>Unavailable</c>, never
/// an exception. No token or password is ever logged.
/// </summary>
public sealed partial class KeystoneClient : ITokenValidator, IDisposable
{
    /// <summary>The name of the HttpClient used toward Keystone.</summary>
    public const string HttpClientName = "keystone";

    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http;
    private readonly KeystoneOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<KeystoneClient> _logger;
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private readonly Uri _tokensUri;
    private readonly Uri _validateUri;
    private readonly Uri _versionUri;
    private ServiceToken? _serviceToken;

    /// <summary>Creates the client over a pooled HttpClient.</summary>
    public KeystoneClient(IHttpClientFactory httpClients, IOptions<KeystoneOptions> options, TimeProvider time, ILogger<KeystoneClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClients);
        ArgumentNullException.ThrowIfNull(options);
        _http = httpClients.CreateClient(HttpClientName);
        _options = options.Value;
        _time = time;
        _logger = logger;
        var root = (_options.Url ?? "http://127.0.0.1:5000").TrimEnd('/');
        if (root.EndsWith("/v3", StringComparison.OrdinalIgnoreCase))
        {
            root = root[..^3];
        }

        _tokensUri = new Uri(root + "/v3/auth/tokens");
        _validateUri = new Uri(root + "/v3/auth/tokens?nocatalog");
        _versionUri = new Uri(root + "/v3");
    }

    /// <inheritdoc />
    public async ValueTask<TokenCheck> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var service = await GetServiceTokenAsync(renew: attempt > 0, cancellationToken);
            if (service is null)
            {
                return TokenCheck.Unavailable;
            }

            try
            {
                using var response = await SendAsync(
                    () =>
                    {
                        var request = new HttpRequestMessage(HttpMethod.Get, _validateUri);
                        request.Headers.TryAddWithoutValidation("X-Auth-Token", service);
                        request.Headers.TryAddWithoutValidation("X-Subject-Token", token);
                        return request;
                    },
                    cancellationToken);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        return await ReadIdentityAsync(response, cancellationToken);
                    case HttpStatusCode.NotFound:
                        return TokenCheck.Rejected;
                    case HttpStatusCode.Unauthorized when attempt == 0:
                        Log.ServiceTokenRejected(_logger);
                        continue;
                    default:
                        Log.ValidationFailed(_logger, (int)response.StatusCode);
                        return TokenCheck.Unavailable;
                }
            }
            catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
            {
                Log.Unreachable(_logger, ex.GetType().Name, ex.Message);
                return TokenCheck.Unavailable;
            }
        }

        return TokenCheck.Unavailable;
    }

    /// <summary>
    /// The gateway's own token (for its metadata reads toward a real Glance), renewed when less
    /// than a minute is left or when <paramref name="renew"/> says it was rejected. Null when
    /// Keystone cannot issue one.
    /// </summary>
    public async ValueTask<string?> GetServiceTokenAsync(bool renew, CancellationToken cancellationToken)
    {
        var current = _serviceToken;
        if (!renew && current is not null && current.ExpiresAt - _time.GetUtcNow() > RenewBefore)
        {
            return current.Value;
        }

        await _renewal.WaitAsync(cancellationToken);
        try
        {
            var latest = _serviceToken;
            if (latest is not null && !ReferenceEquals(latest, current) && latest.ExpiresAt - _time.GetUtcNow() > RenewBefore)
            {
                return latest.Value;
            }

            _serviceToken = await IssueServiceTokenAsync(cancellationToken);
            return _serviceToken?.Value;
        }
        finally
        {
            _renewal.Release();
        }
    }

    /// <summary>True when Keystone answers its version document (readiness).</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(_versionUri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return (int)response.StatusCode < 500;
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _renewal.Dispose();

    private async Task<ServiceToken?> IssueServiceTokenAsync(CancellationToken cancellationToken)
    {
        var credentials = PasswordAuthBody();
        try
        {
            using var response = await SendAsync(
                () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Post, _tokensUri) { Content = new ByteArrayContent(credentials) };
                    request.Content.Headers.ContentType = new("application/json");
                    return request;
                },
                cancellationToken);
            if (response.StatusCode != HttpStatusCode.Created && response.StatusCode != HttpStatusCode.OK)
            {
                Log.ServiceTokenRefused(_logger, (int)response.StatusCode);
                return null;
            }

            if (!response.Headers.TryGetValues("X-Subject-Token", out var values) || values.FirstOrDefault() is not { Length: > 0 } token)
            {
                Log.ServiceTokenMalformed(_logger);
                return null;
            }

            var body = await JsonSerializer.DeserializeAsync(
                await response.Content.ReadAsStreamAsync(cancellationToken), KeystoneJsonContext.Default.KeystoneTokenEnvelope, cancellationToken);
            var expiresAt = body?.Token?.ExpiresAt ?? _time.GetUtcNow().AddMinutes(5);
            Log.ServiceTokenIssued(_logger, expiresAt);
            return new ServiceToken(token, expiresAt);
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            Log.Unreachable(_logger, ex.GetType().Name, ex.Message);
            return null;
        }
    }

    private async Task<TokenCheck> ReadIdentityAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var envelope = await JsonSerializer.DeserializeAsync(
            await response.Content.ReadAsStreamAsync(cancellationToken), KeystoneJsonContext.Default.KeystoneTokenEnvelope, cancellationToken);
        var token = envelope?.Token;
        if (token?.User?.Id is not { Length: > 0 } userId || token.ExpiresAt is not { } expiresAt)
        {
            Log.ValidationFailed(_logger, 200);
            return TokenCheck.Unavailable;
        }

        if (expiresAt <= _time.GetUtcNow())
        {
            return TokenCheck.Rejected;
        }

        var roles = token.Roles?.Select(r => r.Name).OfType<string>().ToArray() ?? [];
        var system = token.System is { ValueKind: JsonValueKind.Object };
        return TokenCheck.Valid(new CallerIdentity(
            userId, token.User.Name, token.Project?.Id, token.Project?.Name, roles, system && token.Project?.Id is null, expiresAt));
    }

    private byte[] PasswordAuthBody()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("auth");
            json.WriteStartObject("identity");
            json.WriteStartArray("methods");
            json.WriteStringValue("password");
            json.WriteEndArray();
            json.WriteStartObject("password");
            json.WriteStartObject("user");
            json.WriteString("name", _options.Username);
            json.WriteStartObject("domain");
            json.WriteString("id", _options.UserDomainId);
            json.WriteEndObject();
            json.WriteString("password", _options.Password);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("scope");
            json.WriteStartObject("project");
            json.WriteString("name", _options.ProjectName);
            json.WriteStartObject("domain");
            json.WriteString("id", _options.ProjectDomainId);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    // A server may close a kept-alive connection just as the next request goes out on it: uwsgi's
    // --http-socket (a common way to serve Keystone) closes every connection after its response
    // without a "Connection: close", and idle keep-alive timeouts do the same. The request then
    // fails with a reset before Keystone read it; it is sent again, once, on a new connection
    // (both calls are safe to repeat). A refused connection or a timeout is not retried.
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = create();
            try
            {
                return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException ex) when (attempt == 0 && IsClosedConnection(ex))
            {
                Log.ConnectionClosed(_logger);
            }
        }
    }

    private static bool IsClosedConnection(HttpRequestException exception) =>
        exception.HttpRequestError == HttpRequestError.ResponseEnded || exception.InnerException is IOException;

    // Connection refused, reset, timed out (HttpClient's timeout surfaces as a cancellation that
    // is not the caller's), or a body that is not Keystone's JSON.
    private static bool IsUnreachable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        HttpRequestException or JsonException or IOException or NotSupportedException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private sealed record ServiceToken(string Value, DateTimeOffset ExpiresAt);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Keystone unreachable ({ErrorType}: {Reason}); answering 503 to callers whose tokens are not cached")]
        public static partial void Unreachable(ILogger logger, string errorType, string reason);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Keystone answered {Status} to a token validation; answering 503")]
        public static partial void ValidationFailed(ILogger logger, int status);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Keystone rejected the service token; renewing it once")]
        public static partial void ServiceTokenRejected(ILogger logger);

        [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Keystone refused the service credentials with {Status}; check Keystone:Username, Password and ProjectName")]
        public static partial void ServiceTokenRefused(ILogger logger, int status);

        [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Keystone issued no X-Subject-Token for the service credentials")]
        public static partial void ServiceTokenMalformed(ILogger logger);

        [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Service token issued, expires at {ExpiresAt:o}")]
        public static partial void ServiceTokenIssued(ILogger logger, DateTimeOffset expiresAt);

        [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "Keystone closed the connection before answering; sending the request again on a new connection")]
        public static partial void ConnectionClosed(ILogger logger);
    }
}
