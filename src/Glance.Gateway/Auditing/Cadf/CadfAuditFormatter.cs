using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;

namespace Glance.Gateway.Auditing.Cadf;

/// <summary>
/// The audit trail in CADF, OpenStack's audit format: one event per line for each edge decision
/// (audit event 9001), shaped as keystonemiddleware's audit middleware builds its
/// <c>audit.http.response</c> event (<c>keystonemiddleware/audit/</c>, pycadf): <c>typeURI</c>,
/// <c>eventType</c> activity, a fresh <c>id</c>, <c>eventTime</c> in pycadf's format, the
/// <c>action</c> and the target's <c>typeURI</c> from Glance's audit map
/// (<see cref="GlanceAuditMap"/>), <c>outcome</c> success for a status from 200 to 399 and
/// failure otherwise, the <c>initiator</c> (the user, its project, the client's address and agent,
/// the request id), the <c>target</c> (the image service, <c>glance</c>), the <c>observer</c>
/// <c>target</c>, <c>requestPath</c>, a correlation tag and the modifier step of the reporter
/// chain. Two differences on purpose: no credential of any kind (keystonemiddleware writes the
/// caller's token masked, and its identity status), and a <c>reason</c> that names the policy
/// that decided (<see cref="PolicyType"/>, <c>glance:&lt;rule&gt;@&lt;revision&gt;</c>) beside the
/// HTTP status. Tags carry what CADF has no field for: the operation, the decision, its check,
/// the modes, the service that took part, a candidate policy's other answer. Any other event reaching the sink is not written: every
/// line of a CADF file is a CADF event.
/// </summary>
public sealed class CadfAuditFormatter : ITextFormatter
{
    /// <summary>The <c>typeURI</c> of a CADF event.</summary>
    public const string EventTypeUri = "http://schemas.dmtf.org/cloud/audit/1.0/event";

    /// <summary>The initiator's type: a Keystone user (pycadf's <c>ACCOUNT_USER</c>).</summary>
    public const string InitiatorTypeUri = "service/security/account/user";

    /// <summary>The target's id and name: the image service's conventional catalog name, which keystonemiddleware also falls back to for the id.</summary>
    public const string ServiceName = "glance";

    /// <summary>The <c>reason.policyType</c> of a decision an oslo.policy rule made.</summary>
    public const string PolicyType = "oslo.policy";

    /// <summary>What keystonemiddleware writes for a value it does not have (pycadf's <c>UNKNOWN</c>).</summary>
    public const string Unknown = "unknown";

    // Not the default encoder, which writes pycadf's "+0000" as "\u002B0000" and escapes every
    // non-ASCII character: this one escapes what JSON requires (quotes, backslashes, control
    // characters) and the Unicode line separators, so that a line reads as pycadf writes its
    // values and stays one line.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc />
    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        if (EdgeDecisionEvent.TryRead(logEvent) is not { } decision)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(json, decision, Guid.NewGuid());
        }

        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.Write('\n');
    }

    /// <summary>pycadf's time format (<c>%Y-%m-%dT%H:%M:%S.%f%z</c> in UTC): microseconds and <c>+0000</c>.</summary>
    public static string EventTime(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff", CultureInfo.InvariantCulture) + "+0000";

    /// <summary>
    /// The <c>reason.policyId</c>: <c>glance:</c> and the oslo.policy rule that decided, then
    /// <c>@</c> and the policy revision when the event has one; null when no rule decided (a coded
    /// check, a forward undecided, an error) or when, in shadow mode, the backend's answer
    /// contradicted the rule's prediction (then the backend decided, by a rule the edge cannot name).
    /// </summary>
    internal static string? PolicyId(EdgeDecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.PolicyRule is not { } rule || decision.Disagreement == true)
        {
            return null;
        }

        return decision.PolicyRevision is { } revision ? $"glance:{rule}@{revision}" : $"glance:{rule}";
    }

    // Keys in keystonemiddleware's order (pycadf's as_dict keeps the order attributes were set in).
    private static void Write(Utf8JsonWriter json, EdgeDecisionEvent decision, Guid id)
    {
        var time = EventTime(decision.Timestamp);
        json.WriteStartObject();
        json.WriteString("typeURI", EventTypeUri);
        json.WriteString("eventType", "activity");
        json.WriteString("id", id.ToString("D"));
        json.WriteString("eventTime", time);
        json.WriteString("action", GlanceAuditMap.Action(decision.Method, decision.Path));
        json.WriteString("outcome", decision.Status is >= 200 and < 400 ? "success" : "failure");
        json.WriteStartObject("observer");
        json.WriteString("id", "target");
        json.WriteEndObject();
        WriteInitiator(json, decision);
        json.WriteStartObject("target");
        json.WriteString("id", ServiceName);
        json.WriteString("typeURI", GlanceAuditMap.TargetTypeUri(decision.Path));
        json.WriteString("name", ServiceName);
        json.WriteEndObject();
        json.WriteString("requestPath", decision.Path);
        WriteTags(json, decision);
        WriteReason(json, decision);
        json.WriteStartArray("reporterchain");
        json.WriteStartObject();
        json.WriteString("role", "modifier");
        json.WriteString("reporterTime", time);
        json.WriteStartObject("reporter");
        json.WriteString("id", "target");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // keystonemiddleware's ClientResource without its credential; no name (the audit event has none).
    private static void WriteInitiator(Utf8JsonWriter json, EdgeDecisionEvent decision)
    {
        json.WriteStartObject("initiator");
        json.WriteString("id", decision.UserId ?? Unknown);
        json.WriteString("typeURI", InitiatorTypeUri);
        json.WriteStartObject("host");
        if (decision.ClientAddress is { } address)
        {
            json.WriteString("address", address);
        }

        if (decision.UserAgent is { } agent)
        {
            json.WriteString("agent", agent);
        }

        json.WriteEndObject();
        json.WriteString("project_id", decision.ProjectId ?? Unknown);
        if (decision.RequestId is { } requestId)
        {
            json.WriteString("request_id", requestId);
        }

        json.WriteEndObject();
    }

    private static void WriteTags(Utf8JsonWriter json, EdgeDecisionEvent decision)
    {
        json.WriteStartArray("tags");
        Tag(json, "correlation_id", decision.RequestId);
        Tag(json, "operation", decision.Operation);
        Tag(json, "decision", decision.Decision);
        Tag(json, "rule_name", decision.RuleName);
        Tag(json, "conformance_row", decision.Row?.ToString(CultureInfo.InvariantCulture));
        Tag(json, "policy_mode", decision.PolicyMode);
        Tag(json, "policy_revision", decision.PolicyRevision);
        Tag(json, "edge_mode", decision.EdgeMode);
        Tag(json, "backend_status", decision.BackendStatus?.ToString(CultureInfo.InvariantCulture));
        Tag(json, "predicted_status", decision.PredictedStatus?.ToString(CultureInfo.InvariantCulture));
        Tag(json, "disagreement", decision.Disagreement switch { true => "true", false => "false", null => null });
        Tag(json, "service_user_id", decision.ServiceUserId);
        Tag(json, "candidate_decision", decision.CandidateDecision);
        Tag(json, "candidate_status", decision.CandidateStatus?.ToString(CultureInfo.InvariantCulture));
        Tag(json, "candidate_rule", decision.CandidateRule);
        Tag(json, "candidate_revision", decision.CandidateRevision);
        json.WriteEndArray();
    }

    // pycadf's generate_name_value_tag: "name?value=<value>"; absent values are left out.
    private static void Tag(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteStringValue(name + "?value=" + value);
        }
    }

    private static void WriteReason(Utf8JsonWriter json, EdgeDecisionEvent decision)
    {
        json.WriteStartObject("reason");
        json.WriteString("reasonType", "HTTP");
        json.WriteString("reasonCode", decision.Status.ToString(CultureInfo.InvariantCulture));
        if (PolicyId(decision) is { } policyId)
        {
            json.WriteString("policyType", PolicyType);
            json.WriteString("policyId", policyId);
        }

        json.WriteEndObject();
    }
}
