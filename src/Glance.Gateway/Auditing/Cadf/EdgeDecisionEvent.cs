using System.Globalization;
using Serilog.Events;

namespace Glance.Gateway.Auditing.Cadf;

/// <summary>
/// The properties of one audit event 9001 (<see cref="EdgeDecisionAudit"/>) that a CADF event is
/// built from, read by name from the Serilog event. <c>PolicyRevision</c> and the candidate
/// policy's answer are read when the event carries them. What the decision read for replay
/// (<c>Record</c>: the credentials, request and target) is not: a CADF event carries no
/// credential. Nothing here is, or can hold, a token: the audit event has none.
/// </summary>
internal sealed record EdgeDecisionEvent(
    DateTimeOffset Timestamp,
    string Operation,
    string Decision,
    string? RuleName,
    int? Row,
    string? PolicyRule,
    string? PolicyRevision,
    string? PolicyMode,
    string? EdgeMode,
    int Status,
    int? BackendStatus,
    int? PredictedStatus,
    bool? Disagreement,
    string Method,
    string Path,
    string? UserId,
    string? ProjectId,
    string? ServiceUserId,
    string? ClientAddress,
    string? UserAgent,
    string? RequestId,
    string? CandidateDecision,
    int? CandidateStatus,
    string? CandidateRule,
    string? CandidateRevision)
{
    /// <summary>The event id of an edge decision.</summary>
    public const int EventId = 9001;

    /// <summary>The edge decision <paramref name="logEvent"/> records, or null when it is another event.</summary>
    public static EdgeDecisionEvent? TryRead(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var properties = logEvent.Properties;
        if (!IsEdgeDecision(properties)
            || Text(properties, "Operation") is not { } operation
            || Text(properties, "Decision") is not { } decision
            || Number(properties, "Status") is not { } status)
        {
            return null;
        }

        return new EdgeDecisionEvent(
            logEvent.Timestamp,
            operation,
            decision,
            Text(properties, "RuleName"),
            Number(properties, "Rule"),
            Text(properties, "PolicyRule"),
            Text(properties, "PolicyRevision"),
            Text(properties, "PolicyMode"),
            Text(properties, "EdgeMode"),
            status,
            Number(properties, "BackendStatus"),
            Number(properties, "PredictedStatus"),
            properties.TryGetValue("Disagreement", out var disagreement) && disagreement is ScalarValue { Value: bool disagrees } ? disagrees : null,
            Text(properties, "Method") ?? string.Empty,
            Text(properties, "Path") ?? string.Empty,
            Text(properties, "UserId"),
            Text(properties, "ProjectId"),
            Text(properties, "ServiceUserId"),
            Text(properties, "ClientAddress"),
            Text(properties, "UserAgent"),
            Text(properties, "RequestId"),
            Text(properties, "CandidateDecision"),
            Number(properties, "CandidateStatus"),
            Text(properties, "CandidateRule"),
            Text(properties, "CandidateRevision"));
    }

    // Microsoft.Extensions.Logging's event id reaches Serilog as a structure { Id, Name }.
    private static bool IsEdgeDecision(IReadOnlyDictionary<string, LogEventPropertyValue> properties) =>
        properties.TryGetValue("EventId", out var value)
        && value is StructureValue structure
        && structure.Properties.Any(p => p.Name == "Id" && p.Value is ScalarValue { Value: int id } && id == EventId);

    // A scalar as text (null, or empty, when absent): a revision may come as a number or a string.
    private static string? Text(IReadOnlyDictionary<string, LogEventPropertyValue> properties, string name) =>
        properties.TryGetValue(name, out var value) && value is ScalarValue { Value: { } scalar }
            ? Convert.ToString(scalar, CultureInfo.InvariantCulture) is { Length: > 0 } text ? text : null
            : null;

    private static int? Number(IReadOnlyDictionary<string, LogEventPropertyValue> properties, string name) =>
        properties.TryGetValue(name, out var value) && value is ScalarValue { Value: { } scalar }
            ? scalar switch
            {
                int i => i,
                long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
                string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => null,
            }
            : null;
}
