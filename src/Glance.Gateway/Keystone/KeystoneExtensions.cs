using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Telemetry;

namespace Glance.Gateway.Keystone;

/// <summary>Registration of Keystone authentication.</summary>
public static partial class KeystoneExtensions
{
    /// <summary>
    /// Validates tokens with Keystone when <c>Keystone:Url</c> is set, with the development tokens
    /// file otherwise (warned about at start-up).
    /// </summary>
    public static WebApplicationBuilder AddKeystone(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<KeystoneOptions>().BindConfiguration(KeystoneOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeystoneOptions>, KeystoneOptionsValidator>();

        // Two clients toward Keystone: the plain one issues the service token and answers
        // readiness; the validation one adds the service token (ServiceTokenHandler, outermost, so
        // that its one renewal is not multiplied by the retry).
        var timeout = TimeSpan.FromSeconds(Math.Clamp(builder.Configuration.GetValue<double?>($"{KeystoneOptions.SectionName}:TimeoutSeconds") ?? 5, 0.1, 300));
        AddKeystoneHttpClient(services, KeystoneClient.HttpClientName, timeout);
        AddKeystoneHttpClient(services, KeystoneClient.ValidationHttpClientName, timeout)
            .AddHttpMessageHandler<ServiceTokenHandler>();
        QuietRetryTelemetry(services);
        services.AddSingleton<ServiceTokenSource>();
        services.AddTransient<ServiceTokenHandler>();
        services.AddSingleton<KeystoneClient>();

        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{KeystoneOptions.SectionName}:Url"]))
        {
            services.AddSingleton<DevTokenValidator>();
            services.AddSingleton<ITokenValidator>(sp => sp.GetRequiredService<DevTokenValidator>());
            services.AddHostedService(sp => sp.GetRequiredService<DevTokenValidator>());
        }
        else
        {
            services.AddSingleton<ITokenValidator>(sp => sp.GetRequiredService<KeystoneClient>());
        }

        return builder;
    }

    /// <summary>Authenticates every request but version discovery and health.</summary>
    public static IApplicationBuilder UseKeystoneAuthentication(this IApplicationBuilder app) =>
        app.UseMiddleware<KeystoneAuthenticationMiddleware>();

    /// <summary>
    /// True for a request that failed because the server closed a kept-alive connection as the
    /// request went out on it (nothing was read back): the one failure worth sending again.
    /// </summary>
    internal static bool IsClosedConnection(Exception? exception) =>
        exception is HttpRequestException ex && (ex.HttpRequestError == HttpRequestError.ResponseEnded || ex.InnerException is IOException);

    // Polly logs every execution attempt of a pipeline (Information, Warning when retried): one
    // line per Keystone request. The gateway logs the retry itself (2007) and Keystone's failures
    // (2001, 2002); Polly's own events of these two pipelines go to Debug. Other pipelines keep
    // whatever severity was configured for them.
    private static void QuietRetryTelemetry(IServiceCollection services) =>
        services.Configure<TelemetryOptions>(options =>
        {
            var previous = options.SeverityProvider;
            options.SeverityProvider = args =>
                args.Source.PipelineName?.StartsWith(KeystoneClient.HttpClientName + "-", StringComparison.Ordinal) == true
                    ? ResilienceEventSeverity.Debug
                    : previous?.Invoke(args) ?? args.Event.Severity;
        });

    private static IHttpClientBuilder AddKeystoneHttpClient(IServiceCollection services, string name, TimeSpan timeout)
    {
        var client = services.AddHttpClient(name, client => client.Timeout = timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .RemoveAllLoggers();

        // A server may close a kept-alive connection just as the next request goes out on it:
        // uwsgi's --http-socket (a common way to serve Keystone) closes every connection after its
        // response without a "Connection: close", and idle keep-alive timeouts do the same. The
        // request then fails before Keystone read it; it is sent again, once, at once, on a new
        // connection (both calls are safe to repeat). Nothing else is retried: not a refused
        // connection, not a timeout (HttpClient.Timeout stays the bound of the whole call), not
        // an HTTP status. No circuit breaker either: Keystone down is answered per request (503
        // on a miss) and readiness reports it.
        client.AddResilienceHandler("closed-connection", static (pipeline, context) =>
        {
            var logger = context.ServiceProvider.GetRequiredService<ILogger<KeystoneClient>>();
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 1,
                Delay = TimeSpan.Zero,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                ShouldHandle = static args => ValueTask.FromResult(IsClosedConnection(args.Outcome.Exception)),
                OnRetry = args =>
                {
                    Log.ConnectionClosed(logger);
                    return ValueTask.CompletedTask;
                },
            });
        });
        return client;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "Keystone closed the connection before answering; sending the request again on a new connection")]
        public static partial void ConnectionClosed(ILogger logger);
    }
}
