using System.Text.Json;
using Glance.Policy.Operations;
using Glance.Policy.Rules;

namespace Glance.Gateway.Auditing;

/// <summary>
/// Replays recorded edge decisions (audit events 9001 in the JSON formatter's lines) against other
/// rules: each decision's input is rebuilt from what the event recorded (<see cref="DecisionRecord"/>)
/// and decided again with the same operation function. A decision is <em>changed</em> when the
/// rules answer otherwise (allow against refuse, or another status or body);
/// <em>unreproducible</em> when the record lacks what the decision read (a body, a property left
/// out that the rules substitute), never guessed; <em>skipped</em> when it was not a decision of
/// the rules (no token, a malformed request, forwarded undecided, a 503).
/// </summary>
public static class AuditReplay
{
    /// <summary>Replays every decision of <paramref name="lines"/> against <paramref name="rules"/>.</summary>
    public static ReplayReport Run(IEnumerable<string> lines, PolicyRules rules)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(rules);
        var report = new ReplayReport();
        foreach (var line in lines)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException)
            {
                report.Malformed++;
                continue;
            }

            using (document)
            {
                Replay(document.RootElement, rules, report);
            }
        }

        return report;
    }

    private static void Replay(JsonElement audit, PolicyRules rules, ReplayReport report)
    {
        if (!audit.TryGetProperty("EventId", out var eventId) || !eventId.TryGetProperty("Id", out var id) || id.GetInt32() != 9001)
        {
            return;
        }

        var operationName = Text(audit, "Operation") ?? string.Empty;
        var decision = Text(audit, "Decision");
        var requestId = Text(audit, "RequestId") ?? string.Empty;
        if (decision is not ("allow" or "deny") || !audit.TryGetProperty("Record", out var record) || record.ValueKind != JsonValueKind.String)
        {
            report.Skipped++;
            return;
        }

        report.Decisions++;
        if (EdgeOperations.Named(operationName) is not { } operation)
        {
            report.Unreproducible.Add(new ReplayGap(requestId, operationName, "the gateway no longer decides this operation"));
            return;
        }

        var (input, gap) = DecisionRecord.Read(audit, operation, rules);
        if (input is null)
        {
            report.Unreproducible.Add(new ReplayGap(requestId, operationName, gap!));
            return;
        }

        var replayed = operation.Decide(input);
        var recordedStatus = decision == "allow" ? 0 : Number(audit, "PredictedStatus") ?? Number(audit, "Status") ?? 0;
        var recordedRule = Text(audit, "PolicyRule") ?? Text(audit, "RuleName") ?? string.Empty;
        var replayedStatus = replayed.IsAllowed ? 0 : replayed.StatusCode;
        if (recordedStatus != replayedStatus || (decision == "allow") != replayed.IsAllowed)
        {
            report.Changed.Add(new ReplayChange(requestId, operationName, recordedRule, recordedStatus, replayed.PolicyRule ?? replayed.Reason, replayedStatus));
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}

/// <summary>The outcome of a replay: counts, and each changed or unreproducible decision.</summary>
public sealed class ReplayReport
{
    /// <summary>Decisions of the rules found in the audit.</summary>
    public int Decisions { get; set; }

    /// <summary>Events that were not decisions of the rules (no token, forwarded undecided, …).</summary>
    public int Skipped { get; set; }

    /// <summary>Lines that are not JSON.</summary>
    public int Malformed { get; set; }

    /// <summary>The decisions the rules answer otherwise.</summary>
    public List<ReplayChange> Changed { get; } = [];

    /// <summary>The decisions the record cannot reproduce, with why.</summary>
    public List<ReplayGap> Unreproducible { get; } = [];

    /// <summary>The changed decisions counted by operation and recorded rule, most first.</summary>
    public IEnumerable<(string Operation, string Rule, int Count)> ChangedByOperationAndRule =>
        Changed.GroupBy(c => (c.Operation, c.RecordedRule))
            .Select(g => (g.Key.Operation, g.Key.RecordedRule, g.Count()))
            .OrderByDescending(g => g.Item3).ThenBy(g => g.Operation, StringComparer.Ordinal);
}

/// <summary>A decision the rules answer otherwise (status 0: an allow).</summary>
public sealed record ReplayChange(string RequestId, string Operation, string RecordedRule, int RecordedStatus, string ReplayedRule, int ReplayedStatus);

/// <summary>A decision the record cannot reproduce, and why.</summary>
public sealed record ReplayGap(string RequestId, string Operation, string Reason);
