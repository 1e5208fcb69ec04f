using Glance.Gateway.Hosting;
using Glance.Policy.Errors;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace Glance.Gateway.Routing;

/// <summary>YARP routes and clusters from <c>config/reverse-proxy.json</c>, reloaded on change.</summary>
public static partial class RoutingExtensions
{
    /// <summary>Loads the routes file (a broken one stops the start-up) and registers YARP over it.</summary>
    public static WebApplicationBuilder AddGatewayRouting(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var directory = ConfigDirectory.Resolve(builder.Configuration[$"{GatewayOptions.SectionName}:ConfigPath"], builder.Environment.ContentRootPath);
        var routes = new RouteFileConfiguration(directory.File(ConfigDirectory.RoutesFile));
        builder.Services.AddSingleton(_ => routes);
        builder.Services.AddHostedService<RouteFileLogging>();
        builder.Services.AddSingleton<OperatorPaths>();
        builder.Services.AddOptions<GlanceRoutingOptions>().BindConfiguration(GlanceRoutingOptions.SectionName).ValidateOnStart();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(routes.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<HostedStoreDestinationFilter>()
            .AddTransforms(transforms => transforms.AddRequestTransform(CanonicalPathTransform.ApplyAsync));
        return builder;
    }

    /// <summary>
    /// Step 0: OPTIONS, the versions document and the canonical path, before routing (which then
    /// matches the canonical path), the request id and authentication.
    /// </summary>
    public static WebApplication UseGlanceRequestTarget(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RequestTargetMiddleware>();
        app.UseRouting();
        return app;
    }

    /// <summary>Glance's router at the edge, after authentication (see <see cref="GlanceRouterMiddleware"/>).</summary>
    public static IApplicationBuilder UseGlanceRouter(this IApplicationBuilder app) => app.UseMiddleware<GlanceRouterMiddleware>();

    /// <summary>
    /// Gives YARP's own failures (destination refused, timed out, none available) Glance's error
    /// body; YARP sets only the status.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseGlanceForwarderErrors(this IReverseProxyApplicationBuilder proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var logger = proxy.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Glance.Gateway.Routing.Forwarder");
        proxy.Use(async (context, next) =>
        {
            await next();
            var error = context.GetForwarderErrorFeature();
            if (error is null || context.Response.HasStarted)
            {
                return;
            }

            var status = context.Response.StatusCode is 502 or 503 or 504 ? context.Response.StatusCode : 502;
            Log.ForwardFailed(logger, error.Error, context.TraceIdentifier, error.Exception?.Message);
            await GlanceErrorWriter.WriteAsync(context, status, Explanation(status));
        });
        return proxy;
    }

    /// <summary>webob's explanations of the gateway statuses.</summary>
    public static string Explanation(int status) => status switch
    {
        503 => "The server is currently unavailable. Please try again at a later time.",
        504 => "The gateway has timed out.",
        _ => "Bad gateway.",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Forwarding failed ({Error}) for request {RequestId}: {Reason}")]
        public static partial void ForwardFailed(ILogger logger, ForwarderError error, string requestId, string? reason);
    }
}

/// <summary>Writes the one log line, and counts the reload outcome, of each applied or refused edit of the routes file.</summary>
public sealed partial class RouteFileLogging(RouteFileConfiguration routes, Telemetry.GatewayMetrics metrics, ILogger<RouteFileLogging> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Log.Loaded(logger, routes.FilePath);
        routes.Refused += OnRefused;
        routes.Applied += OnApplied;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        routes.Refused -= OnRefused;
        routes.Applied -= OnApplied;
        return Task.CompletedTask;
    }

    private void OnRefused(object? sender, RouteFileRefusedEventArgs e)
    {
        metrics.RecordRouteReload("refused");
        Log.Refused(logger, routes.FilePath, e.Reason.Message);
    }

    private void OnApplied(object? sender, EventArgs e)
    {
        metrics.RecordRouteReload("applied");
        Log.Applied(logger, routes.FilePath);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1211, Level = LogLevel.Information, Message = "Routes loaded from {Path}")]
        public static partial void Loaded(ILogger logger, string path);

        [LoggerMessage(EventId = 1212, Level = LogLevel.Information, Message = "Routes file {Path} changed and applied")]
        public static partial void Applied(ILogger logger, string path);

        [LoggerMessage(EventId = 1213, Level = LogLevel.Error, Message = "Routes file {Path} refused, the last good routes keep serving: {Reason}")]
        public static partial void Refused(ILogger logger, string path, string reason);
    }
}
