using System.Diagnostics.Metrics;
using System.Net;
using Glance.Gateway.Auditing;
using Glance.Gateway.EdgePolicy;
using Glance.Gateway.Keystone;
using Glance.Gateway.Policy;
using Glance.Gateway.Telemetry;
using Glance.Gateway.TokenCache;
using Glance.Policy.Operations;
using Glance.Policy.Rules;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Glance.Gateway.Tests.Auditing.Cadf;

/// <summary>
/// Audit events as the gateway writes them: each kind of edge decision (allow, deny by a policy
/// rule and by a coded check, forwarded undecided, error, shadow agreeing and disagreeing, no
/// token, a service token, a candidate policy answering otherwise) written by the real
/// <see cref="EdgeDecisionAudit"/> into a sink that keeps the Serilog events, so that a formatter
/// is tested on the properties the gateway really writes, not on a copy of their names.
/// </summary>
public static class EdgeDecisionEvents
{
    /// <summary>The image id of every event's path.</summary>
    public const string ImageId = "5f8e8f4a-3b0f-4c43-9d0e-0c4f3d1a6b21";

    /// <summary>The caller of the events that have one.</summary>
    public static readonly CallerIdentity Caller = new("owner-user", "owner", "project-a", "Project A", ["member", "reader"], false, DateTimeOffset.UnixEpoch.AddYears(60));

    /// <summary>The service whose token took part in <see cref="Kind.ServiceToken"/>.</summary>
    public static readonly CallerIdentity Service = new("nova-user", "nova", "service", "service", ["service"], false, DateTimeOffset.UnixEpoch.AddYears(60));

    private static readonly PolicyRulesHolder Rules = new(PolicyRules.Defaults(PolicyMode.Legacy));

    /// <summary>The kinds of event.</summary>
    public enum Kind
    {
        /// <summary><c>get_image</c> allowed by its rule and forwarded: the backend's 200.</summary>
        Allow,

        /// <summary><c>delete_member</c> refused by its rule at the edge: 403, row 10.</summary>
        DenyByRule,

        /// <summary><c>get_image</c> of an image the caller may not see: 404 by a coded check, no rule.</summary>
        DenyByCheck,

        /// <summary><c>download_image</c> in <c>Off</c> mode: forwarded undecided, the backend's 200.</summary>
        Forward,

        /// <summary><c>delete_image</c> with no decision (facts unreadable): 503.</summary>
        Error,

        /// <summary><c>get_image</c> in shadow: the rule allowed, the backend answered 200.</summary>
        ShadowAgrees,

        /// <summary><c>delete_image</c> in shadow: the rule refused (403), the backend answered 204.</summary>
        ShadowDisagrees,

        /// <summary><c>delete_member</c> without a token: 401, row 1, nobody.</summary>
        NoToken,

        /// <summary><c>add_member</c> allowed, with a service token beside the user's: 200.</summary>
        ServiceToken,

        /// <summary><c>get_image</c> allowed by the live rules, refused (404) by a candidate in secure mode.</summary>
        CandidateDiffers,
    }

    /// <summary>Every kind.</summary>
    public static IEnumerable<Kind> All => Enum.GetValues<Kind>();

    /// <summary>The Serilog event the gateway writes for <paramref name="kind"/>.</summary>
    public static LogEvent Of(Kind kind)
    {
        var events = new List<LogEvent>();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using (var factory = new AuditLoggerFactory(new LoggerConfiguration().WriteTo.Sink(new Collecting(events)).CreateLogger()))
        {
            var metrics = new GatewayMetrics(services.GetRequiredService<IMeterFactory>());
            var modes = new EdgePolicyModes(new StaticModes(), NullLogger<EdgePolicyModes>.Instance);
            var audit = new EdgeDecisionAudit(factory, Rules, new PolicyRevision(Rules, modes, metrics), metrics, TimeProvider.System);
            Write(audit, kind);
        }

        return Assert.Single(events);
    }

    private static void Write(EdgeDecisionAudit audit, Kind kind)
    {
        var (operation, method, path, memberId) = kind switch
        {
            Kind.Allow or Kind.DenyByCheck or Kind.ShadowAgrees or Kind.CandidateDiffers => ("get_image", "GET", $"/v2/images/{ImageId}", null),
            Kind.DenyByRule or Kind.NoToken => ("delete_member", "DELETE", $"/v2/images/{ImageId}/members/project-b", "project-b"),
            Kind.Forward => ("download_image", "GET", $"/v2/images/{ImageId}/file", null),
            Kind.Error or Kind.ShadowDisagrees => ("delete_image", "DELETE", $"/v2/images/{ImageId}", null),
            _ => ("add_member", "POST", $"/v2/images/{ImageId}/members", (string?)null),
        };
        var context = new DefaultHttpContext { TraceIdentifier = "req-" + kind.ToString().ToLowerInvariant() };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Headers.UserAgent = "python-glanceclient/4.7.0";
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
        var edge = new EdgeRequestFeature(operation, ImageId, memberId);
        var status = 200;
        switch (kind)
        {
            case Kind.Allow:
            case Kind.ServiceToken:
                edge.Decide(Allowed(operation), forwarded: true);
                break;
            case Kind.CandidateDiffers:
                edge.Read(Input(memberId), new EdgeDecision(operation, EdgeDecision.PolicyRefusedReason, null, "get_image", 404, null), PolicyRules.Defaults(PolicyMode.Secure));
                edge.Decide(Allowed(operation), forwarded: true);
                break;
            case Kind.DenyByRule:
                edge.Decide(new EdgeDecision(operation, EdgeDecision.PolicyRefusedReason, 10, "delete_member", 403, null));
                status = 403;
                break;
            case Kind.DenyByCheck:
                edge.Decide(new EdgeDecision(operation, "ImageNotFound", null, null, 404, null));
                status = 404;
                break;
            case Kind.Forward:
                edge.PassThrough();
                break;
            case Kind.Error:
                edge.Fail();
                status = 503;
                break;
            case Kind.ShadowAgrees:
                edge.Decide(Allowed(operation), EdgeMode.Shadow, forwarded: true);
                break;
            case Kind.ShadowDisagrees:
                edge.Decide(new EdgeDecision(operation, EdgeDecision.PolicyRefusedReason, null, "delete_image", 403, null), EdgeMode.Shadow, forwarded: true);
                status = 204;
                break;
            case Kind.NoToken:
                edge.Decide(new EdgeDecision(operation, "NoToken", 1, null, 401, null));
                status = 401;
                break;
        }

        if (kind is not (Kind.NoToken or Kind.Forward or Kind.Error or Kind.CandidateDiffers))
        {
            edge.Read(Input(memberId), candidate: null, candidateRules: null); // as the decision step records what it read
        }

        var caller = kind is Kind.NoToken ? null : Caller;
        var service = kind is Kind.ServiceToken ? Service : null;
        audit.Write(context, edge, caller, service, status, TokenCacheResult.L1, TimeProvider.System.GetTimestamp());
    }

    private static EdgeInput Input(string? memberId) => new(new Glance.Policy.Operations.Caller(Caller.Credentials, Rules.Current), ImageId, memberId);

    private static EdgeDecision Allowed(string operation) => new(operation, EdgeDecision.AllowedReason, null, operation, 0, null);

    private sealed class StaticModes : IOptionsMonitor<EdgePolicyOptions>
    {
        public EdgePolicyOptions CurrentValue { get; } = new();

        public EdgePolicyOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<EdgePolicyOptions, string?> listener) => null;
    }

    private sealed class Collecting(List<LogEvent> events) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => events.Add(logEvent);
    }
}
