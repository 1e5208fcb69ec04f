using Glance.Gateway.Keystone;
using Glance.Gateway.MemberPolicy;
using Glance.Gateway.Telemetry;
using Glance.Gateway.TokenCache;
using Glance.Policy.Members;
using Glance.Policy.Routing;
using Glance.Policy.Rules;

namespace Glance.Gateway.Auditing;

/// <summary>
/// One structured event per member-DELETE decision (event id 9001): who (user, project, roles,
/// client address, user agent), what, the decision with its rule and status, the backend's status
/// when forwarded, the token cache result and the latency. Never a token, a token hash or a
/// secret. The same call counts the decision (<see cref="GatewayMetrics.RecordMemberDecision"/>),
/// so the metric and the trail agree, and times the hand-over to the audit queue
/// (<see cref="GatewayMetrics.RecordAuditQueueWait"/>): near zero, unless the queue is full and
/// the request waits for room.
/// </summary>
public sealed partial class MemberDeleteAudit(AuditLoggerFactory loggers, IPolicyRulesProvider policy, GatewayMetrics metrics, TimeProvider time)
{
    private readonly ILogger<MemberDeleteAudit> _logger = loggers.CreateLogger<MemberDeleteAudit>();

    /// <summary>
    /// Writes the event of <paramref name="member"/>'s decision: its rule is null for an error (no
    /// decision could be made), its policy rule null where Glance's coded checks decided. The
    /// policy mode is that of the rules in force; <paramref name="service"/> the service whose
    /// <c>X-Service-Token</c> took part (its user id is recorded, never a token).
    /// </summary>
    public void Write(
        HttpContext context,
        MemberRequestFeature member,
        CallerIdentity? caller,
        CallerIdentity? service,
        int status,
        int? backendStatus,
        TokenCacheResult tokenCache,
        long startTimestamp)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(member);
        var (path, rule, policyRule) = (member.Path, member.Rule, member.PolicyRule);
        var decision = rule switch
        {
            MemberDeleteRule.Allowed => "allow",
            null => "error",
            _ => "deny",
        };
        metrics.RecordMemberDecision(decision, rule is null ? null : (int)rule, policyRule, status);
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var ruleName = rule?.ToString() ?? "Error";
        var cache = tokenCache switch
        {
            TokenCacheResult.None => "none",
            TokenCacheResult.Miss => "miss",
            TokenCacheResult.L1 => "L1",
            _ => "L2",
        };
        var mode = policy.Current.Mode.ToString();
        var elapsedMs = Math.Round(time.GetElapsedTime(startTimestamp).TotalMilliseconds, 3);
        var clientAddress = context.Connection.RemoteIpAddress?.ToString();
        var userAgent = context.Request.Headers.UserAgent.ToString();
        var enqueue = time.GetTimestamp();
        Log.Decision(
            _logger,
            decision,
            rule is null ? null : (int)rule,
            ruleName,
            policyRule,
            mode,
            status,
            backendStatus,
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            path.ImageId,
            path.MemberId ?? string.Empty,
            caller?.UserId,
            caller?.ProjectId,
            caller?.RolesHeader,
            service?.UserId,
            clientAddress,
            userAgent,
            cache,
            context.TraceIdentifier,
            elapsedMs);
        metrics.RecordAuditQueueWait(time.GetElapsedTime(enqueue).TotalSeconds);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, EventName = "MemberDeleteDecision", Level = LogLevel.Information,
            Message = "Member delete {Decision} by rule {Rule} ({RuleName}), policy rule {PolicyRule} in {PolicyMode} mode, with status {Status}, backend status {BackendStatus}: {Method} {Path} image {ImageId} member {MemberId} by user {UserId} project {ProjectId} roles {Roles} with service {ServiceUserId} from {ClientAddress} ({UserAgent}); token cache {TokenCache}; request {RequestId}; {ElapsedMs} ms")]
        public static partial void Decision(
            ILogger logger,
            string decision,
            int? rule,
            string ruleName,
            string? policyRule,
            string policyMode,
            int status,
            int? backendStatus,
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
            double elapsedMs);
    }
}
