using Glance.Gateway.Auditing;

namespace Glance.Gateway.Commands;

/// <summary>
/// <c>policy replay</c>: every decision recorded in the audit files replayed against a candidate
/// policy (<see cref="AuditReplay"/>): the decisions it would answer otherwise are listed, and
/// counted by operation and recorded rule; those the record cannot reproduce are listed with why,
/// never guessed. Exit 1 when any decision changes, 0 when none does, 2 for a usage or file error.
/// </summary>
internal static class PolicyReplayCommand
{
    private const string Help = """
        usage: glance-gateway policy replay --audit FILE [--audit FILE ...] --candidate FILE
                                            [--enforce-new-defaults] [--enforce-scope] [--json]

        Replays every edge decision of the audit files (the JSON audit, one event per line) against
        the candidate policy file, in the candidate's mode (--enforce-new-defaults and
        --enforce-scope are the candidate's switches; a file that does not exist is refused).
        Lists each decision the candidate answers otherwise, counts them by operation and rule,
        and lists the decisions the audit cannot reproduce (one that read a request body, or
        image properties the candidate's rules read but the audit left out) with the reason.
        Exit: 0 nothing changes, 1 some decision changes, 2 usage or file error.
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var args = CommandArguments.Parse(arguments, ["--audit", "--candidate"], ["--enforce-new-defaults", "--enforce-scope"]);
        if (args.Help)
        {
            output.WriteLine(Help);
            return CommandExit.Ok;
        }

        if (args.Positionals.Count > 0)
        {
            throw new CommandUsageException($"unexpected argument '{args.Positionals[0]}'");
        }

        var audits = args.Options("--audit");
        if (audits.Count == 0)
        {
            throw new CommandUsageException("--audit is required");
        }

        var candidatePath = Path.GetFullPath(args.Required("--candidate"));
        if (!File.Exists(candidatePath))
        {
            throw new CommandUsageException($"the candidate policy {candidatePath} does not exist");
        }

        var rules = PolicySources.LoadFile(candidatePath, args.Has("--enforce-new-defaults"), args.Has("--enforce-scope"), null);
        var lines = audits.SelectMany(ReadLines);
        var report = AuditReplay.Run(lines, rules);
        if (args.Json)
        {
            WriteJson(output, report, rules);
        }
        else
        {
            WriteText(output, report, rules);
        }

        return report.Changed.Count == 0 ? CommandExit.Ok : CommandExit.Found;
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CommandUsageException($"cannot read the audit file {path}: {ex.Message}", ex);
        }
    }

    private static string Status(int status) => status == 0 ? "allow" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteText(TextWriter output, ReplayReport report, Glance.Policy.Rules.PolicyRules rules)
    {
        output.WriteLine($"replayed {report.Decisions} decisions against {rules.Source} ({rules.Mode}, revision {rules.Revision}): "
            + $"{report.Changed.Count} changed, {report.Unreproducible.Count} not reproducible, {report.Skipped} events not decided by the rules skipped"
            + (report.Malformed > 0 ? $", {report.Malformed} lines not JSON" : string.Empty));
        foreach (var (operation, rule, count) in report.ChangedByOperationAndRule)
        {
            output.WriteLine($"  {count,5}  {operation} (recorded by {rule})");
        }

        foreach (var change in report.Changed)
        {
            output.WriteLine($"changed: request {change.RequestId} {change.Operation}: {Status(change.RecordedStatus)} by {change.RecordedRule} -> {Status(change.ReplayedStatus)} by {change.ReplayedRule}");
        }

        foreach (var gap in report.Unreproducible)
        {
            output.WriteLine($"not reproducible: request {gap.RequestId} {gap.Operation}: {gap.Reason}");
        }
    }

    private static void WriteJson(TextWriter output, ReplayReport report, Glance.Policy.Rules.PolicyRules rules) => JsonOutput.Write(output, writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("candidate", rules.Source);
        writer.WriteString("mode", rules.Mode.ToString());
        writer.WriteString("revision", rules.Revision);
        writer.WriteNumber("decisions", report.Decisions);
        writer.WriteNumber("skipped", report.Skipped);
        writer.WriteNumber("malformed", report.Malformed);
        writer.WriteStartArray("changedByOperationAndRule");
        foreach (var (operation, rule, count) in report.ChangedByOperationAndRule)
        {
            writer.WriteStartObject();
            writer.WriteString("operation", operation);
            writer.WriteString("rule", rule);
            writer.WriteNumber("count", count);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("changed");
        foreach (var change in report.Changed)
        {
            writer.WriteStartObject();
            writer.WriteString("requestId", change.RequestId);
            writer.WriteString("operation", change.Operation);
            writer.WriteString("recorded", Status(change.RecordedStatus));
            writer.WriteString("recordedRule", change.RecordedRule);
            writer.WriteString("replayed", Status(change.ReplayedStatus));
            writer.WriteString("replayedRule", change.ReplayedRule);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("unreproducible");
        foreach (var gap in report.Unreproducible)
        {
            writer.WriteStartObject();
            writer.WriteString("requestId", gap.RequestId);
            writer.WriteString("operation", gap.Operation);
            writer.WriteString("reason", gap.Reason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });
}
