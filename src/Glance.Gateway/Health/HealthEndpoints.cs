using System.Text.Json;
using Glance.Gateway.Hosting;
using Glance.Gateway.Keystone;
using Glance.Gateway.TokenCache;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace Glance.Gateway.Health;

/// <summary>
/// <c>/healthz</c>: the process answers (liveness); <c>/healthcheck</c> the same, as Glance's oslo.middleware answers it. <c>/readyz</c>: the store, Redis (when
/// configured) and Keystone (when configured) answer (readiness; 503 otherwise). Both are
/// unauthenticated and cheap, for load balancers.
/// </summary>
public static class HealthEndpoints
{
    private const string ReadinessClient = "readiness";

    /// <summary>Registers the readiness HttpClient.</summary>
    public static WebApplicationBuilder AddHealthChecks(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpClient(ReadinessClient, client => client.Timeout = TimeSpan.FromSeconds(2))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
            .RemoveAllLoggers();
        return builder;
    }

    /// <summary>Maps the two endpoints.</summary>
    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/healthz", () => Results.Text("ok\n", "text/plain"));
        endpoints.MapGet("/readyz", ReadyAsync);
        endpoints.MapGet("/healthcheck", () => Results.Text("OK", "text/plain; charset=UTF-8")); // oslo.middleware's, as in Glance's pipeline
        return endpoints;
    }

    private static async Task ReadyAsync(HttpContext context)
    {
        var services = context.RequestServices;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        var store = CheckStoreAsync(services, timeout.Token);
        var redis = CheckRedisAsync(services, timeout.Token);
        var keystone = CheckKeystoneAsync(services, timeout.Token);
        var results = await Task.WhenAll(store, redis, keystone);
        var ready = results.All(r => r is "ok" or "not configured" or "development tokens");

        context.Response.StatusCode = ready ? 200 : 503;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", ready ? "ready" : "not ready");
        json.WriteStartObject("checks");
        json.WriteString("store", results[0]);
        json.WriteString("redis", results[1]);
        json.WriteString("keystone", results[2]);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static async Task<string> CheckStoreAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<HostedImageStoreOptions>>().Value;
        var lookup = services.GetRequiredService<IProxyStateLookup>();
        if (!lookup.TryGetCluster(options.ClusterId, out var cluster) || cluster.Destinations.IsEmpty)
        {
            return "no destination";
        }

        var address = cluster.Destinations.Values.First().Model.Config.Address.TrimEnd('/');
        try
        {
            var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(ReadinessClient);
            using var response = await http.GetAsync(new Uri(address + "/versions"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return (int)response.StatusCode < 500 ? "ok" : "failing";
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return "unreachable";
        }
    }

    private static async Task<string> CheckRedisAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var redis = services.GetService<ResilientDistributedCache>();
        if (redis is null)
        {
            return "not configured";
        }

        try
        {
            await redis.ProbeAsync(cancellationToken);
            return "ok";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return "unreachable";
        }
    }

    private static async Task<string> CheckKeystoneAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!services.GetRequiredService<IOptions<KeystoneOptions>>().Value.UsesKeystone)
        {
            return "development tokens";
        }

        return await services.GetRequiredService<KeystoneClient>().PingAsync(cancellationToken) ? "ok" : "unreachable";
    }
}
