using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Glance.Gateway.Telemetry;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Keystone;

/// <summary>
/// The gateway's own Keystone token (password authentication, as keystonemiddleware gets its
/// service token): issued on first use, renewed when less than a minute is left or when a request
/// was refused with it. Issued through the plain <c>keystone</c> HttpClient, never through
/// <see cref="ServiceTokenHandler"/> (which asks this source). Concurrent callers share one issue,
/// whether it succeeds or fails.
/// </summary>
public sealed partial class ServiceTokenSource : IDisposable
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http;
    private readonly KeystoneOptions _options;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<ServiceTokenSource> _logger;
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private readonly Uri _tokensUri;
    private ServiceToken? _current;
    private int _attempts;

    /// <summary>Creates the source over the pooled <c>keystone</c> HttpClient.</summary>
    public ServiceTokenSource(
        IHttpClientFactory httpClients, IOptions<KeystoneOptions> options, TimeProvider time, GatewayMetrics metrics, ILogger<ServiceTokenSource> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClients);
        ArgumentNullException.ThrowIfNull(options);
        _http = httpClients.CreateClient(KeystoneClient.HttpClientName);
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _tokensUri = new Uri(KeystoneClient.Root(_options) + "/v3/auth/tokens");
    }

    /// <summary>
    /// The current token, issued or renewed as needed; <paramref name="rejected"/> (a token a
    /// request was refused with) is replaced unless another caller already did. Null when
    /// Keystone cannot issue one.
    /// </summary>
    public async ValueTask<ServiceToken?> GetAsync(ServiceToken? rejected, CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && !ReferenceEquals(current, rejected) && IsFresh(current))
        {
            return current;
        }

        var attemptsBefore = Volatile.Read(ref _attempts);
        await _renewal.WaitAsync(cancellationToken);
        try
        {
            var latest = _current;
            if (latest is not null && !ReferenceEquals(latest, rejected) && IsFresh(latest))
            {
                return latest;
            }

            // An attempt that ended while this caller waited is its answer too: with Keystone
            // down, N callers wait for one timeout, not N in a row.
            if (Volatile.Read(ref _attempts) != attemptsBefore)
            {
                return Usable(latest, rejected);
            }

            // A failed renewal keeps a token that has not expired yet.
            _current = await IssueAsync(cancellationToken) ?? Usable(latest, rejected);
            Interlocked.Increment(ref _attempts);
            return _current;
        }
        finally
        {
            _renewal.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _renewal.Dispose();

    private bool IsFresh(ServiceToken token) => token.ExpiresAt - _time.GetUtcNow() > RenewBefore;

    // The token unless it was refused or has expired.
    private ServiceToken? Usable(ServiceToken? token, ServiceToken? rejected) =>
        token is not null && !ReferenceEquals(token, rejected) && token.ExpiresAt > _time.GetUtcNow() ? token : null;

    private async Task<ServiceToken?> IssueAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "unreachable";
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _tokensUri) { Content = new ByteArrayContent(PasswordAuthBody()) };
            request.Content.Headers.ContentType = new("application/json");
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            outcome = KeystoneClient.Outcome(response.StatusCode);
            if (response.StatusCode != HttpStatusCode.Created && response.StatusCode != HttpStatusCode.OK)
            {
                Log.ServiceTokenRefused(_logger, (int)response.StatusCode);
                return null;
            }

            if (!response.Headers.TryGetValues("X-Subject-Token", out var values) || values.FirstOrDefault() is not { Length: > 0 } token)
            {
                outcome = "malformed";
                Log.ServiceTokenMalformed(_logger);
                return null;
            }

            var body = await JsonSerializer.DeserializeAsync(
                await response.Content.ReadAsStreamAsync(cancellationToken), KeystoneJsonContext.Default.KeystoneTokenEnvelope, cancellationToken);
            var expiresAt = body?.Token?.ExpiresAt ?? _time.GetUtcNow().AddMinutes(5);
            Log.ServiceTokenIssued(_logger, expiresAt);
            return new ServiceToken(token, expiresAt);
        }
        catch (Exception ex) when (KeystoneClient.IsUnreachable(ex, cancellationToken))
        {
            outcome = ex is JsonException ? "malformed" : "unreachable";
            KeystoneClient.LogUnreachable(_logger, ex);
            return null;
        }
        finally
        {
            _metrics.RecordKeystoneRequest(Stopwatch.GetElapsedTime(started).TotalSeconds, "issue", outcome);
        }
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Keystone refused the service credentials with {Status}; check Keystone:Username, Password and ProjectName")]
        public static partial void ServiceTokenRefused(ILogger logger, int status);

        [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Keystone issued no X-Subject-Token for the service credentials")]
        public static partial void ServiceTokenMalformed(ILogger logger);

        [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Service token issued, expires at {ExpiresAt:o}")]
        public static partial void ServiceTokenIssued(ILogger logger, DateTimeOffset expiresAt);
    }
}
