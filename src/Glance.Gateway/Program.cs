using Glance.Gateway.AccessLog;
using Glance.Gateway.Auditing;
using Glance.Gateway.Commands;
using Glance.Gateway.HeaderHygiene;
using Glance.Gateway.Health;
using Glance.Gateway.Hosting;
using Glance.Gateway.Keystone;
using Glance.Gateway.EdgePolicy;
using Glance.Gateway.Policy;
using Glance.Gateway.Routing;
using Glance.Gateway.Telemetry;
using Glance.Gateway.TokenCache;
using Glance.Policy.Errors;
using Glance.Policy.RequestIds;

namespace Glance.Gateway;

/// <summary>
/// The gateway, as a table of contents: services first, then the request's path in order.
/// <see cref="Build"/> is what the tests start, with their own settings and clock.
/// </summary>
public static class Program
{
    /// <summary>Builds the gateway; <paramref name="configure"/> runs first (tests: settings, TimeProvider).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        builder.AddGatewayHosting();          // config/ folder, listen address, validated options, Serilog app log
        builder.Host.UseSystemd();            // under systemd (deploy/): READY once listening, STOPPING on SIGTERM
        builder.AddTelemetry();               // OpenTelemetry: the Glance.Gateway meter, traces, /metrics
        builder.AddAuditing();                // one audit event per edge decision, own sink
        builder.AddAccessLog();               // one access event per request, own sink
        builder.AddGlancePolicy();            // oslo.policy rules: Glance's defaults + config/policy.yaml, reloaded
        builder.AddKeystone();                // Keystone v3 validation (or dev tokens), service token
        builder.AddTokenCache();              // L1 in process, L2 Redis when configured
        builder.AddHeaderHygiene();           // strip client identity headers, set the trusted ones
        builder.AddEdgePolicy();              // every policy-checked operation decided as Glance does, per-operation modes
        builder.AddImageStoreHosting();       // the image store on loopback, in this process
        builder.AddGatewayRouting();          // YARP routes and clusters from config/reverse-proxy.json
        builder.AddHealthChecks();            // /healthz live, /readyz (Degraded without Redis/Keystone, 503 without the backend)
        builder.AddShutdownDrain();           // SIGTERM: /readyz 503, a pause, then in-flight requests finish

        var app = builder.Build();
        app.UseAccessLog();                   //    one access event per request, every request, at completion
        app.UseGlanceRequestTarget();         // 0. OPTIONS, versions, the canonical target (CONFORMANCE 6)
        app.UseOpenStackRequestId();          // 1. X-Openstack-Request-Id on everything
        app.UseEdgeAudit();                   //    one audit event per edge decision, at completion (5.)
        app.UseGlanceExceptionHandler();     //    the unexpected becomes a Glance-format 500
        app.MapGatewayHealth();               //    health endpoints, unauthenticated
        app.MapGatewayMetrics();              //    Prometheus scrape endpoint, unauthenticated
        app.UseKeystoneAuthentication();      // 2. X-Auth-Token → caller identity (cache, then Keystone)
        app.UseHeaderHygiene();               // 3. no client-supplied identity reaches the backend
        app.UseGlanceRouter();                //    Glance's router: 404/405/501/302 at the edge, the routed operation
        app.MapReverseProxy(proxy =>
        {
            proxy.UseGlanceForwarderErrors(); //    YARP's bare 502/503/504 in Glance's format
            proxy.UseImageWriteTracking();    //    image writes forget the edge's cached image facts
            proxy.UseMemberPathShape();       // 4. the seed's blank image id on the member path: 405
            proxy.UseEdgeDecisions();         //    the routed operation decided as Glance does (Enforce, Shadow or Off)
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();         // 6. YARP forwards what is allowed
            proxy.UsePassiveHealthChecks();
        });
        app.MapGlanceNotFound();              //    no route: Glance's 404
        return app;
    }

    /// <summary>Runs an operator command (<see cref="GatewayCommands"/>), or the gateway: a configuration error stops it with one line on stderr.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (GatewayCommands.IsCommand(args))  // glance-gateway check | policy explain|test|effective
        {
            return await GatewayCommands.RunAsync(args, Console.Out, Console.Error);
        }

        MallocArenas.Limit();                 // native memory: a few malloc arenas, not 8 per core
        try
        {
            await using var app = Build(args);
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (StartupFailure.IsConfigurationError(ex))
        {
            await Console.Error.WriteLineAsync("glance-gateway: configuration error: " + StartupFailure.Describe(ex));
            return 2;
        }
    }
}
