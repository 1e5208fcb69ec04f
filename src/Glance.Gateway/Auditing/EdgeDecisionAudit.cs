using Glance.Gateway.EdgePolicy;
using Glance.Gateway.Keystone;
using Glance.Gateway.Telemetry;
using Glance.Gateway.TokenCache;
using Glance.Policy.Operations;
using Glance.Policy.Rules;

namespace Glance.Gateway.Auditing;

/// <summary>
/// One structured event per edge decision (event id 9001): the operation; who (user, project,
/// roles, client address, user agent); what (method, path, image, member); the decision with its
/// rule (the CONFORMANCE row for member DELETE, else <c>RuleName</c> names the check), the
/// oslo.policy rule and the status; the backend's status when forwarded; the mode, and in shadow
/// mode the predicted status and whether the backend disagreed; the token cache result and the
/// latency; the policy revision that decided (<c>PolicyRevision</c>); where the candidate policy
/// would have answered otherwise, its answer, rule and revision; and what the decision read, so
/// that it can be replayed (<see cref="DecisionRecord"/>). Never a token, a token hash or a secret.
/// The same call counts the decision
/// (<c>glance_gateway_edge_decisions_total</c>) and a disagreement, so the metrics and the trail
/// agree, and times the hand-over to the audit queue.
/// </summary>
public sealed partial class EdgeDecisionAudit(
    AuditLoggerFactory loggers, IPolicyRulesProvider policy, Policy.PolicyRevision revisions, GatewayMetrics metrics, TimeProvider time)
{
    private readonly ILogger<EdgeDecisionAudit> _logger = loggers.CreateLogger<EdgeDecisionAudit>();

    /// <summary>
    /// Writes the event of <paramref name="edge"/>'s decision; <paramref name="service"/> is the
    /// service whose <c>X-Service-Token</c> took part (its user id is recorded, never a token).
    /// </summary>
    public void Write(
        HttpContext context, EdgeRequestFeature edge, CallerIdentity? caller, CallerIdentity? service, int status, TokenCacheResult tokenCache, long startTimestamp)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(edge);
        var decision = edge.Decision;
        var verdict = decision switch
        {
            null when edge.Mode == EdgeMode.Off || edge.Forwarded => "forward",
            null => "error",
            { IsAllowed: true } => "allow",
            _ => "deny",
        };
        var ruleName = decision?.Reason ?? (verdict == "forward" ? "Undecided" : "Error");
        var predicted = decision is null ? (int?)null : decision.IsAllowed ? 0 : decision.StatusCode;
        var disagrees = edge.Mode == EdgeMode.Shadow && decision is not null && Disagrees(decision, status, edge.Shadow);
        var ruleLabel = decision is null ? "none" : decision.Row is { } row ? GatewayMetrics.RowLabel(row) : decision.Reason;
        metrics.RecordEdgeDecision(edge.Operation, verdict, ruleLabel, decision?.PolicyRule, status);
        if (disagrees)
        {
            metrics.RecordEdgeDisagreement(edge.Operation, predicted!.Value, status);
        }

        var candidate = decision is not null && edge.Candidate is { } c && CandidateDiffers(decision, c) ? c : null;
        if (candidate is not null)
        {
            metrics.RecordCandidateDisagreement(edge.Operation, predicted!.Value, candidate.IsAllowed ? 0 : candidate.StatusCode);
        }

        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var cache = tokenCache switch
        {
            TokenCacheResult.None => "none",
            TokenCacheResult.Miss => "miss",
            TokenCacheResult.L1 => "L1",
            _ => "L2",
        };
        var elapsedMs = Math.Round(time.GetElapsedTime(startTimestamp).TotalMilliseconds, 3);
        var policyMode = policy.Current.Mode.ToString();
        var edgeMode = edge.Mode.ToString();
        var clientAddress = context.Connection.RemoteIpAddress?.ToString();
        var userAgent = context.Request.Headers.UserAgent.ToString();
        var rules = policy.Current;
        var input = edge.Input;
        var keys = edge.CandidateRules is { } candidateRules && candidateRules.TargetKeys.Count > 0
            ? rules.TargetKeys.Union(candidateRules.TargetKeys).ToHashSet(StringComparer.Ordinal)
            : rules.TargetKeys;
        var record = input is null ? null : DecisionRecord.Write(input, service?.UserId, keys);
        var revision = revisions.Of(rules);
        var candidateRevision = candidate is null || edge.CandidateRules is null ? null : revisions.Of(edge.CandidateRules);
        var enqueue = time.GetTimestamp();

        Log.Decision(
            _logger,
            edge.Operation,
            verdict,
            decision?.Row,
            ruleName,
            decision?.PolicyRule,
            policyMode,
            edgeMode,
            status,
            edge.Forwarded ? status : null,
            edge.Mode == EdgeMode.Shadow ? predicted : null,
            edge.Mode == EdgeMode.Shadow ? disagrees : null,
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            edge.ImageId,
            edge.MemberId ?? string.Empty,
            caller?.UserId,
            caller?.ProjectId,
            caller?.RolesHeader,
            service?.UserId,
            clientAddress,
            userAgent,
            cache,
            context.TraceIdentifier,
            elapsedMs,
            revision,
            candidate is null ? null : candidate.IsAllowed ? "allow" : "deny",
            candidate is { IsAllowed: false } ? candidate.StatusCode : null,
            candidate is null ? null : candidate.PolicyRule ?? candidate.Reason,
            candidateRevision,
            record,
            edge.FailedClause);
        metrics.RecordAuditQueueWait(time.GetElapsedTime(enqueue).TotalSeconds);
    }

    /// <summary>
    /// A shadow prediction the backend's answer contradicts: a predicted refusal answered with
    /// another status, or a predicted allow answered with a policy refusal (403 or 404 whose body is
    /// Glance's refusal naming a rule). A 403 or 404 the backend gives for a reason after the rule
    /// (a protected image, a missing member row) is not a disagreement.
    /// </summary>
    public static bool Disagrees(EdgeDecision decision, int actual, ShadowCaptureStream? backendBody)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!decision.IsAllowed)
        {
            return actual != decision.StatusCode;
        }

        return actual is 403 or 404 && backendBody is not null
            && backendBody.Text.Contains("You are not authorized to complete ", StringComparison.Ordinal);
    }

    /// <summary>The candidate answers otherwise: allow against refuse, or another status or body.</summary>
    public static bool CandidateDiffers(EdgeDecision live, EdgeDecision candidate)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(candidate);
        return live.IsAllowed != candidate.IsAllowed
            || (!live.IsAllowed && (live.StatusCode != candidate.StatusCode || live.Explanation != candidate.Explanation || live.Detail != candidate.Detail));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, EventName = "EdgeDecision", Level = LogLevel.Information,
            Message = "Edge decision {Operation} {Decision} by rule {Rule} ({RuleName}), policy rule {PolicyRule} in {PolicyMode} mode, edge mode {EdgeMode}, with status {Status}, backend status {BackendStatus}, predicted {PredictedStatus}, disagreement {Disagreement}: {Method} {Path} image {ImageId} member {MemberId} by user {UserId} project {ProjectId} roles {Roles} with service {ServiceUserId} from {ClientAddress} ({UserAgent}); token cache {TokenCache}; request {RequestId}; {ElapsedMs} ms; policy revision {PolicyRevision}; candidate {CandidateDecision} {CandidateStatus} by {CandidateRule} in revision {CandidateRevision}; failed clause {FailedClause}; record {Record}")]
        public static partial void Decision(
            ILogger logger,
            string operation,
            string decision,
            int? rule,
            string ruleName,
            string? policyRule,
            string policyMode,
            string edgeMode,
            int status,
            int? backendStatus,
            int? predictedStatus,
            bool? disagreement,
            string method,
            string path,
            string imageId,
            string memberId,
            string? userId,
            string? projectId,
            string? roles,
            string? serviceUserId,
            string? clientAddress,
            string userAgent,
            string tokenCache,
            string requestId,
            double elapsedMs,
            string policyRevision,
            string? candidateDecision,
            int? candidateStatus,
            string? candidateRule,
            string? candidateRevision,
            string? record,
            string? failedClause);
    }
}
