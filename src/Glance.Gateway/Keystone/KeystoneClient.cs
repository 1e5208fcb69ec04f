using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Glance.Gateway.Telemetry;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Keystone;

/// <summary>
/// Keystone v3 as keystonemiddleware uses it (CONFORMANCE.md section 3): callers' tokens validated
/// with <c>GET /v3/auth/tokens?nocatalog</c> under the gateway's service token, declaring
/// application-credential access-rules support (<c>OpenStack-Identity-Access-Rules: 1</c>, without
/// which Keystone refuses to validate a restricted credential's token); a token whose credential
/// has access rules is validated again with its catalog, which the rules' check needs. With a
/// service token's say-so, <c>allow_expired=1</c>. The plumbing is the
/// HttpClient's: <see cref="ServiceTokenHandler"/> attaches (and once renews) the service token, the
/// resilience handler sends a request again once when a pooled connection was closed under it
/// (see <see cref="KeystoneExtensions"/>). Keystone unreachable, slow or answering garbage is
/// <c>Unavailable</c>, never an exception. No token or password is ever logged.
/// </summary>
public sealed partial class KeystoneClient : ITokenValidator
{
    /// <summary>The HttpClient toward Keystone without the service token (issuing it, readiness).</summary>
    public const string HttpClientName = "keystone";

    /// <summary>The HttpClient toward Keystone that carries the service token (validations).</summary>
    public const string ValidationHttpClientName = "keystone-validation";

    private readonly HttpClient _http;
    private readonly HttpClient _validation;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<KeystoneClient> _logger;
    private readonly Uri _validateUri;
    private readonly Uri _validateExpiredUri;
    private readonly Uri _validateWithCatalogUri;
    private readonly Uri _validateExpiredWithCatalogUri;
    private readonly Uri _versionUri;

    /// <summary>The header that declares access-rules support, and its value (keystonemiddleware's).</summary>
    public const string AccessRulesHeader = "OpenStack-Identity-Access-Rules";

    /// <summary>Creates the client over the two pooled HttpClients.</summary>
    public KeystoneClient(
        IHttpClientFactory httpClients, IOptions<KeystoneOptions> options, TimeProvider time, GatewayMetrics metrics, ILogger<KeystoneClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClients);
        ArgumentNullException.ThrowIfNull(options);
        _http = httpClients.CreateClient(HttpClientName);
        _validation = httpClients.CreateClient(ValidationHttpClientName);
        _time = time;
        _metrics = metrics;
        _logger = logger;
        var root = Root(options.Value);
        _validateUri = new Uri(root + "/v3/auth/tokens?nocatalog");
        _validateExpiredUri = new Uri(root + "/v3/auth/tokens?nocatalog&allow_expired=1");
        _validateWithCatalogUri = new Uri(root + "/v3/auth/tokens");
        _validateExpiredWithCatalogUri = new Uri(root + "/v3/auth/tokens?allow_expired=1");
        _versionUri = new Uri(root + "/v3");
    }

    /// <inheritdoc />
    public async ValueTask<TokenCheck> ValidateAsync(string token, bool allowExpired, CancellationToken cancellationToken)
    {
        var check = await ValidateOnceAsync(token, allowExpired, withCatalog: false, cancellationToken);
        if (check is { Outcome: TokenCheckOutcome.Valid, Identity.AccessRules: not null })
        {
            // The rules' check needs the catalog's service types, which nocatalog left out.
            check = await ValidateOnceAsync(token, allowExpired, withCatalog: true, cancellationToken);
        }

        return check;
    }

    private async ValueTask<TokenCheck> ValidateOnceAsync(string token, bool allowExpired, bool withCatalog, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "unreachable";
        try
        {
            var uri = (allowExpired, withCatalog) switch
            {
                (false, false) => _validateUri,
                (true, false) => _validateExpiredUri,
                (false, true) => _validateWithCatalogUri,
                (true, true) => _validateExpiredWithCatalogUri,
            };
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.TryAddWithoutValidation("X-Subject-Token", token);
            request.Headers.TryAddWithoutValidation(AccessRulesHeader, "1");
            using var response = await _validation.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            outcome = Outcome(response.StatusCode);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var check = await ReadIdentityAsync(response, allowExpired, withCatalog, cancellationToken);
                    outcome = check.Outcome == TokenCheckOutcome.Unavailable ? "malformed" : outcome;
                    return check;
                case HttpStatusCode.NotFound:
                    return TokenCheck.Rejected;
                default:
                    Log.ValidationFailed(_logger, (int)response.StatusCode);
                    return TokenCheck.Unavailable;
            }
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            outcome = ex switch
            {
                JsonException => "malformed",
                ServiceTokenUnavailableException => "no_service_token",
                _ => "unreachable",
            };
            LogUnreachable(_logger, ex);
            return TokenCheck.Unavailable;
        }
        finally
        {
            _metrics.RecordKeystoneRequest(Stopwatch.GetElapsedTime(started).TotalSeconds, "validate", outcome);
        }
    }

    /// <summary>True when Keystone answers its version document (readiness).</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "unreachable";
        try
        {
            using var response = await _http.GetAsync(_versionUri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            outcome = Outcome(response.StatusCode);
            return (int)response.StatusCode < 500;
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            return false;
        }
        finally
        {
            _metrics.RecordKeystoneRequest(Stopwatch.GetElapsedTime(started).TotalSeconds, "ping", outcome);
        }
    }

    /// <summary>Keystone's root URL (<c>Keystone:Url</c> without a trailing <c>/v3</c>).</summary>
    internal static string Root(KeystoneOptions options)
    {
        var root = (options.Url ?? "http://127.0.0.1:5000").TrimEnd('/');
        return root.EndsWith("/v3", StringComparison.OrdinalIgnoreCase) ? root[..^3] : root;
    }

    /// <summary>A response's outcome label for the metrics: its status code.</summary>
    internal static string Outcome(HttpStatusCode status) => ((int)status).ToString(CultureInfo.InvariantCulture);

    // Connection refused, reset, timed out (HttpClient's timeout surfaces as a cancellation that
    // is not the caller's), no service token, or a body that is not Keystone's JSON.
    internal static bool IsUnreachable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        HttpRequestException or JsonException or IOException or NotSupportedException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    internal static void LogUnreachable(ILogger logger, Exception exception) => Log.Unreachable(logger, exception.GetType().Name, exception.Message);

    private async Task<TokenCheck> ReadIdentityAsync(HttpResponseMessage response, bool allowExpired, bool withCatalog, CancellationToken cancellationToken)
    {
        var envelope = await JsonSerializer.DeserializeAsync(
            await response.Content.ReadAsStreamAsync(cancellationToken), KeystoneJsonContext.Default.KeystoneTokenEnvelope, cancellationToken);
        var token = envelope?.Token;
        if (token?.User?.Id is not { Length: > 0 } userId || token.ExpiresAt is not { } expiresAt)
        {
            Log.ValidationFailed(_logger, 200);
            return TokenCheck.Unavailable;
        }

        // keystonemiddleware's _validate_token: 0 seconds of validity is invalid, unless allow_expired.
        if (!allowExpired && expiresAt <= _time.GetUtcNow())
        {
            return TokenCheck.Rejected;
        }

        var roles = token.Roles?.Select(r => r.Name).OfType<string>().ToArray() ?? [];
        var system = token.System is { ValueKind: JsonValueKind.Object };
        var rules = token.ApplicationCredential?.AccessRules;
        return TokenCheck.Valid(new CallerIdentity(
            userId, token.User.Name, token.Project?.Id, token.Project?.Name, roles, system && token.Project?.Id is null, expiresAt)
        {
            AccessRules = rules is null ? null : [.. rules],
            CatalogServiceTypes = rules is not null && withCatalog ? [.. (token.Catalog ?? []).Select(c => c.Type).OfType<string>().Distinct(StringComparer.Ordinal)] : null,
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Keystone unreachable ({ErrorType}: {Reason}); answering 503 to callers whose tokens are not cached")]
        public static partial void Unreachable(ILogger logger, string errorType, string reason);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Keystone answered {Status} to a token validation; answering 503")]
        public static partial void ValidationFailed(ILogger logger, int status);
    }
}
