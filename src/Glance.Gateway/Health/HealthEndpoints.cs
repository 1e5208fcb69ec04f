using System.Text.Json;
using Glance.Gateway.Hosting;
using Glance.Policy.Responses;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Glance.Gateway.Health;

/// <summary>
/// Health from <c>Microsoft.Extensions.Diagnostics.HealthChecks</c>, unauthenticated and cheap, for
/// load balancers and orchestrators. <c>/healthz</c>: the process answers (liveness, no check run,
/// <c>ok</c>). <c>/healthcheck</c>: the same, as oslo.middleware answers it in Glance's pipeline.
/// <c>/readyz</c>: whether this replica can serve. A shared dependency's fault (Redis, Keystone)
/// is <c>Degraded</c>, still 200: the replica serves (slower without Redis; cached tokens
/// without Keystone) and taking every replica out of rotation at once would help no one. 503
/// (<c>Unhealthy</c>) only when it cannot serve at all: the backend it forwards to does not
/// answer, the hosted store's database does not answer, or the process is shutting down.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>The tag of the checks <c>/readyz</c> runs.</summary>
    public const string ReadyTag = "ready";

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Registers the readiness checks.</summary>
    public static WebApplicationBuilder AddHealthChecks(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var checks = builder.Services.AddHealthChecks()
            .AddCheck<ShutdownHealthCheck>("shutdown", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<BackendHealthCheck>("backend", HealthStatus.Unhealthy, [ReadyTag], CheckTimeout);
        if (builder.Configuration.GetValue($"{HostedImageStoreOptions.SectionName}:Enabled", true))
        {
            checks.AddCheck<StoreDatabaseHealthCheck>("store-database", HealthStatus.Unhealthy, [ReadyTag], CheckTimeout);
        }

        checks.AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, [ReadyTag], CheckTimeout)
            .AddCheck<KeystoneHealthCheck>("keystone", HealthStatus.Degraded, [ReadyTag], CheckTimeout);
        return builder;
    }

    /// <summary>Maps the three endpoints.</summary>
    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = static _ => false,
            ResponseWriter = static (context, _) => WriteTextAsync(context, "text/plain", "ok\n"),
        });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = static registration => registration.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReadinessAsync,
        });

        // oslo.middleware's, as in Glance's pipeline; GET only, as it always was here.
        endpoints.MapHealthChecks("/healthcheck", new HealthCheckOptions
        {
            Predicate = static _ => false,
            ResponseWriter = static (context, _) => WriteTextAsync(context, "text/plain; charset=UTF-8", "OK"),
        }).WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        return endpoints;
    }

    // A 2xx answer to CONNECT carries no body (ResponseBody): the status and type say it all.
    private static Task WriteTextAsync(HttpContext context, string contentType, string body)
    {
        context.Response.ContentType = contentType;
        return ResponseBody.IsForbidden(context) ? Task.CompletedTask : context.Response.WriteAsync(body);
    }

    // "policy":{"revision":"…","mode":"legacy","loaded":"…","problems":0,"lastRefusedEdit":null,"candidate":{…}|null}:
    // which rules decide on this replica, since when, and the last edit that was refused and why.
    private static void WritePolicy(Utf8JsonWriter json, IServiceProvider services)
    {
        var live = services.GetRequiredService<Policy.PolicyFileWatcher>();
        json.WriteStartObject("policy");
        json.WriteString("revision", services.GetRequiredService<Policy.PolicyRevision>().Current);
        WriteLoad(json, live);
        if (services.GetRequiredService<Policy.CandidatePolicy>().Watcher is { } candidate)
        {
            json.WriteStartObject("candidate");
            json.WriteString("revision", services.GetRequiredService<Policy.PolicyRevision>().Of(candidate.Rules.Current));
            WriteLoad(json, candidate);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("candidate");
        }

        json.WriteEndObject();
    }

    private static void WriteLoad(Utf8JsonWriter json, Policy.PolicyFileWatcher watcher)
    {
        var status = watcher.Status;
        json.WriteString("mode", watcher.Rules.Current.Mode.ToString());
        json.WriteString("loaded", status.LoadedAt);
        json.WriteNumber("problems", status.Problems);
        if (status.LastRefused is { } refused)
        {
            json.WriteStartObject("lastRefusedEdit");
            json.WriteString("at", refused.At);
            json.WriteString("reason", refused.Reason);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("lastRefusedEdit");
        }
    }

    // {"status":"Degraded","checks":{"backend":{"status":"Healthy","description":"…"},…}}: the
    // status words are HealthStatus's; descriptions are the checks' own fixed sentences (an
    // exception's message is never written: it may name an address or worse).
    private static async Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        if (ResponseBody.IsForbidden(context))
        {
            return;
        }

        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status.ToString());
                json.WriteString("description", entry.Exception switch
                {
                    null => entry.Description,
                    OperationCanceledException => "no answer within " + CheckTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + " s",
                    _ => "the check failed (" + entry.Exception.GetType().Name + ")",
                });
                json.WriteEndObject();
            }

            json.WriteEndObject();
            WritePolicy(json, context.RequestServices);
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
