using System.Text.Json;
using Glance.Policy.Errors;
using Glance.Policy.Operations;
using Glance.Policy.Rules;

namespace Glance.Gateway.Commands;

/// <summary>What one rule set decided for an <see cref="EdgeCase"/>, and why.</summary>
/// <param name="Set">The rules that decided.</param>
/// <param name="Decision">The edge decision.</param>
/// <param name="Explanation">What decided the rule, or null where a coded check decided.</param>
/// <param name="Asked">Every rule the decision asked, in order, with its answer.</param>
internal sealed record CaseResult(PolicySet Set, EdgeDecision Decision, PolicyExplanation? Explanation, IReadOnlyList<(string Rule, bool Allowed)> Asked)
{
    /// <summary>The status Glance answers with, or null for an allow (the backend then answers).</summary>
    public int? Status => Decision.IsAllowed ? null : Decision.StatusCode;

    /// <summary><c>allowed</c>, or the status line (<c>403 Forbidden</c>).</summary>
    public string Outcome => Status is { } status ? GlanceErrorBody.StatusLine(status) : "allowed";

    /// <summary>Glance's error body for a refusal (JSON, as the OpenStack clients ask for it), or null.</summary>
    public string? Body => Status is { } status
        ? GlanceErrorBody.Render(status, Decision.Explanation ?? string.Empty, GlanceErrorFormat.Json, Decision.Detail).Body
        : null;

    /// <summary>What decided, on one line.</summary>
    public string DecidedBy => Explanation is { } explanation
        ? (explanation.Allowed ? "held: " + explanation.HeldClause : "failed: " + explanation.FailedClause)
        : Decision.IsAllowed ? "no rule refused" : $"Glance's coded check ({Decision.Reason})";

    /// <summary>True when <paramref name="other"/> answers the same.</summary>
    public bool SameAnswer(CaseResult other) => other is not null && Status == other.Status && Decision.Reason == other.Decision.Reason;

    /// <summary>Text lines, indented by two spaces.</summary>
    public IEnumerable<string> Lines()
    {
        yield return Set.Title + ":";
        yield return "  status:     " + Outcome + (Decision.IsAllowed ? " (forwarded: the backend carries it out and answers)" : string.Empty);
        if (Body is { } body)
        {
            yield return "  body:       " + body;
        }

        yield return "  reason:     " + Decision.Reason;
        yield return "  rule:       " + (Decision.PolicyRule ?? "(none: a coded check)");
        yield return "  decided by: " + DecidedBy;
        yield return "  asked:      " + (Asked.Count == 0 ? "no rule" : string.Join(", ", Asked.Select(a => a.Rule + (a.Allowed ? " allowed" : " refused"))));
        if (Explanation is { } explanation)
        {
            yield return "  expression: " + explanation.Expression;
        }
    }

    /// <summary>Writes the result as a JSON object.</summary>
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("policy", Set.Name);
        writer.WriteString("mode", Set.Rules.Mode.ToString());
        writer.StringOrNull("file", Set.Rules.Source);
        writer.WriteBoolean("allowed", Decision.IsAllowed);
        if (Status is { } status)
        {
            writer.WriteNumber("status", status);
        }
        else
        {
            writer.WriteNull("status");
        }

        writer.StringOrNull("body", Body);
        writer.WriteString("reason", Decision.Reason);
        writer.StringOrNull("rule", Decision.PolicyRule);
        writer.WriteString("decidedBy", DecidedBy);
        writer.WriteStartArray("asked");
        foreach (var (rule, allowed) in Asked)
        {
            writer.WriteStartObject();
            writer.WriteString("rule", rule);
            writer.WriteBoolean("allowed", allowed);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (Explanation is { } explanation)
        {
            writer.WriteString("expression", explanation.Expression);
            writer.WriteStartArray("clauses");
            foreach (var clause in explanation.Clauses)
            {
                writer.WriteStringValue(clause);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("scopeRefused", explanation.ScopeRefused);
        }

        writer.WriteEndObject();
    }
}
