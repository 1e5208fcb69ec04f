using System.Diagnostics.Metrics;
using Glance.Policy.Telemetry;

namespace Glance.Gateway.Telemetry;

/// <summary>
/// The gateway's own instruments, on the <c>Glance.Gateway</c> meter. Their names are the
/// Prometheus names (the exporter adds <c>_total</c> to counters and the unit to histograms):
/// <c>glance_gateway_edge_decisions_total</c>, <c>glance_gateway_edge_disagreements_total</c>,
/// <c>glance_gateway_token_cache_lookups_total</c>,
/// <c>glance_gateway_keystone_request_duration_seconds</c>,
/// <c>glance_gateway_metadata_request_duration_seconds</c>, <c>glance_gateway_redis_available</c>,
/// <c>glance_gateway_route_reloads_total</c>, <c>glance_gateway_audit_queue_wait_seconds</c>,
/// <c>glance_gateway_policy_info{revision,policy_mode}</c> (1 for the policy in force),
/// <c>glance_gateway_policy_reloads_total{outcome}</c>,
/// <c>glance_gateway_policy_candidate_disagreements_total{operation,live,candidate}</c>.
/// The histograms have second-scale buckets (<see cref="SecondsHistogram"/>). Recording costs
/// nothing when no listener is attached.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>The meter's name (what an OpenTelemetry pipeline subscribes to).</summary>
    public const string MeterName = "Glance.Gateway";

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _disagreements;
    private readonly Counter<long> _tokenLookups;
    private readonly Histogram<double> _keystone;
    private readonly Histogram<double> _metadata;
    private readonly Counter<long> _routeReloads;
    private readonly Histogram<double> _auditWait;
    private readonly Counter<long> _policyReloads;
    private readonly Counter<long> _candidateDisagreements;
    private int _redisAvailable = -1; // -1: no Redis configured, no measurement
    private Func<(string Revision, string PolicyMode)>? _policyInfo;

    /// <summary>Creates the instruments on a meter of <paramref name="meters"/>.</summary>
    public GatewayMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _decisions = meter.CreateCounter<long>("glance_gateway_edge_decisions", description: "Decisions at the edge, by operation, decision (allow, deny, error, forward), rule (CONFORMANCE row or reason), oslo.policy rule and status.");
        _disagreements = meter.CreateCounter<long>("glance_gateway_edge_disagreements", description: "Shadow-mode predictions the backend answered otherwise, by operation, predicted and actual status.");
        _tokenLookups = meter.CreateCounter<long>("glance_gateway_token_cache_lookups", description: "Token validations by where they came from: l1, l2, miss (Keystone asked), invalid (refused).");
        _keystone = meter.CreateSecondsHistogram("glance_gateway_keystone_request_duration", "Keystone requests (token validation, service token), by operation and outcome.");
        _metadata = meter.CreateSecondsHistogram("glance_gateway_metadata_request_duration", "The pre-check's metadata reads from the backend, by outcome.");
        _routeReloads = meter.CreateCounter<long>("glance_gateway_route_reloads", description: "Reloads of config/reverse-proxy.json, by outcome (applied, refused).");
        _auditWait = meter.CreateSecondsHistogram("glance_gateway_audit_queue_wait", "Time a request waited for room in the audit queue (0 unless it was full).");
        meter.CreateObservableGauge("glance_gateway_redis_available", ObserveRedis, description: "1 while the shared token cache (Redis) is in use, 0 while its circuit is open.");
        _policyReloads = meter.CreateCounter<long>("glance_gateway_policy_reloads", description: "Reloads of the policy file, by outcome (applied, refused).");
        _candidateDisagreements = meter.CreateCounter<long>("glance_gateway_policy_candidate_disagreements", description: "Edge decisions the candidate policy would have answered otherwise, by operation, live and candidate answer (allow or the status).");
        meter.CreateObservableGauge("glance_gateway_policy_info", ObservePolicyInfo, description: "1, labelled with the revision of the policy in force (rules and edge modes) and its mode.");
    }

    /// <summary>Where <c>glance_gateway_policy_info</c> reads the revision and mode in force (set once, by the revision's owner).</summary>
    public void ObservePolicy(Func<(string Revision, string PolicyMode)> current) => _policyInfo = current;

    /// <summary>One reload of the policy file: <paramref name="outcome"/> applied or refused.</summary>
    public void RecordPolicyReload(string outcome) => _policyReloads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>One decision the candidate would have answered otherwise (0: an allow).</summary>
    public void RecordCandidateDisagreement(string operation, int live, int candidate) =>
        _candidateDisagreements.Add(
            1,
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("live", live == 0 ? "allow" : Status(live)),
            new KeyValuePair<string, object?>("candidate", candidate == 0 ? "allow" : Status(candidate)));

    private IEnumerable<Measurement<int>> ObservePolicyInfo()
    {
        if (_policyInfo is not { } current)
        {
            yield break;
        }

        var (revision, mode) = current();
        yield return new Measurement<int>(1, new KeyValuePair<string, object?>("revision", revision), new KeyValuePair<string, object?>("policy_mode", mode));
    }

    // The label values of every decision, made once: a decision adds no string and boxes no status.
    private static readonly string[] RuleLabels = [.. Enumerable.Range(0, 32).Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    private static readonly object[] StatusLabels = [.. Enumerable.Range(0, 600).Select(s => (object)s)];

    /// <summary>One edge decision: <paramref name="decision"/> is allow, deny, error or forward; <paramref name="rule"/> the CONFORMANCE row or the reason.</summary>
    public void RecordEdgeDecision(string operation, string decision, string rule, string? policyRule, int status) =>
        _decisions.Add(
            1,
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("decision", decision),
            new KeyValuePair<string, object?>("rule", rule),
            new KeyValuePair<string, object?>("policy_rule", policyRule ?? "none"),
            new KeyValuePair<string, object?>("status", Status(status)));

    /// <summary>One shadow-mode prediction the backend answered otherwise (<paramref name="predicted"/> 0: an allow).</summary>
    public void RecordEdgeDisagreement(string operation, int predicted, int actual) =>
        _disagreements.Add(
            1,
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("predicted", predicted == 0 ? "allow" : Status(predicted)),
            new KeyValuePair<string, object?>("actual", Status(actual)));

    /// <summary>The label of a CONFORMANCE row number (allocation-free for the rows there are).</summary>
    public static string RowLabel(int row) => (uint)row < RuleLabels.Length ? RuleLabels[row] : row.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static object Status(int status) => (uint)status < StatusLabels.Length ? StatusLabels[status] : status;

    /// <summary>One token lookup: <paramref name="result"/> is l1, l2, miss or invalid.</summary>
    public void RecordTokenLookup(string result) => _tokenLookups.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <summary>One Keystone request: <paramref name="operation"/> validate, issue or ping; <paramref name="outcome"/> e.g. the status or unreachable.</summary>
    public void RecordKeystoneRequest(double seconds, string operation, string outcome) =>
        _keystone.Record(seconds, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>One metadata read of the pre-check.</summary>
    public void RecordMetadataRequest(double seconds, string outcome) =>
        _metadata.Record(seconds, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>One route reload: applied or refused.</summary>
    public void RecordRouteReload(string outcome) => _routeReloads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>How long a request waited to put its audit event on the queue.</summary>
    public void RecordAuditQueueWait(double seconds) => _auditWait.Record(seconds);

    /// <summary>Whether the shared token cache is in use (set by the Redis circuit).</summary>
    public void SetRedisAvailable(bool available) => Volatile.Write(ref _redisAvailable, available ? 1 : 0);

    private IEnumerable<Measurement<int>> ObserveRedis()
    {
        var value = Volatile.Read(ref _redisAvailable);
        return value < 0 ? [] : [new Measurement<int>(value)];
    }
}
