using System.Globalization;
using System.Text.Json;
using Glance.Policy.Operations;

namespace Glance.Gateway.Commands;

/// <summary>
/// <c>policy test FILE</c>: an operator's table of expected decisions (YAML or JSON; see
/// <see cref="Help"/>) run against the live policy and, when given, the candidate. Every case
/// whose answer is not the expected one is listed. Exit 0 when every case passes, 1 when one
/// fails, 2 for a table or policy file that cannot be used.
/// </summary>
internal static class PolicyTestCommand
{
    /// <summary>The command's help, with the table's format.</summary>
    public const string Help = """
        usage: glance-gateway policy test FILE [policy options]

        Runs an operator's table of expected decisions against the live policy and, when given or
        configured, the candidate. FILE is YAML or JSON:

          callers:                     # optional: named callers, referred to by name below
            owner:  {user_id: u-a, project_id: project-a, roles: [member, reader]}
            reader: {user_id: u-b, project_id: project-b, roles: [reader]}
          images:                      # optional: named images (Glance's image body + members)
            shared: {id: 6f1c..., visibility: shared, owner: project-a, members: [project-b]}
          cases:
            - name: the owner deletes its image
              operation: delete_image
              caller: owner            # a name above, or the caller itself
              image: shared            # a name above, the image itself, or null for none
              expect: allowed          # allowed, or the status Glance answers (403, 404, ...)
            - name: a reader cannot remove a member
              operation: delete_member
              caller: reader
              image: shared
              member: project-b        # optional: the path's member id
              expect: 403
              expect_candidate: 403    # optional: what the candidate must answer (default: expect)
            - name: the same, as the access log shows the request
              request_line: DELETE /v2/images/6f1c.../members/project-b   # instead of operation and member
              caller: reader
              image: shared
              expect: 403
          # a case may also have request (the JSON body), namespace, values ({tag_value: ...}), content_type
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(IReadOnlyList<string> arguments, TextWriter output, IReadOnlyDictionary<string, string?>? settings)
    {
        var args = CommandArguments.Parse(arguments, PolicySources.Options, PolicySources.Flags);
        if (args.Help)
        {
            output.WriteLine(Help + PolicySources.Help);
            return CommandExit.Ok;
        }

        if (args.Positionals.Count != 1)
        {
            throw new CommandUsageException("policy test takes one FILE (the table)");
        }

        var path = args.Positionals[0];
        List<TestCase> cases;
        using (var table = TableFile.Read(path))
        {
            cases = ReadCases(table.RootElement, path);
        }

        var (live, candidate) = PolicySources.Load(args, settings);
        var outcomes = new List<(TestCase Case, CaseResult Result, string Expected, bool Passed)>();
        foreach (var testCase in cases)
        {
            foreach (var set in PolicySources.Both(live, candidate))
            {
                var expected = set.Name == "candidate" ? testCase.ExpectCandidate ?? testCase.Expect : testCase.Expect;
                var result = testCase.Case.Decide(set);
                var passed = expected == "allowed" ? result.Decision.IsAllowed : result.Status?.ToString(CultureInfo.InvariantCulture) == expected;
                outcomes.Add((testCase, result, expected, passed));
            }
        }

        var failed = outcomes.Count(o => !o.Passed);
        if (args.Json)
        {
            JsonOutput.Write(output, writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("cases", cases.Count);
                writer.WriteNumber("passed", outcomes.Count - failed);
                writer.WriteNumber("failed", failed);
                writer.WriteStartArray("results");
                foreach (var (testCase, result, expected, passed) in outcomes)
                {
                    writer.WriteStartObject();
                    writer.WriteString("case", testCase.Name);
                    writer.WriteString("operation", testCase.Case.Operation.Name);
                    writer.WriteString("expected", expected);
                    writer.WriteBoolean("passed", passed);
                    writer.WritePropertyName("decision");
                    result.Write(writer);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            });
        }
        else
        {
            foreach (var (testCase, result, expected, _) in outcomes.Where(o => !o.Passed))
            {
                output.WriteLine($"FAIL {testCase.Name} [{result.Set.Name}]: {testCase.Case.Operation.Name} expected {expected}, got {result.Outcome}"
                    + $" (rule {result.Decision.PolicyRule ?? "none"}; {result.DecidedBy})");
            }

            output.WriteLine($"{cases.Count} cases × {PolicySources.Both(live, candidate).Count} policies: {outcomes.Count - failed} passed, {failed} failed"
                + $" ({string.Join("; ", PolicySources.Both(live, candidate).Select(s => s.Title))})");
        }

        return failed == 0 ? CommandExit.Ok : CommandExit.Found;
    }

    private sealed record TestCase(string Name, EdgeCase Case, string Expect, string? ExpectCandidate);

    private static List<TestCase> ReadCases(JsonElement table, string path)
    {
        if (table.ValueKind != JsonValueKind.Object || !table.TryGetProperty("cases", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new CommandUsageException($"{path}: the table is a mapping with a list of cases (see policy test --help)");
        }

        var callers = Named(table, "callers", path);
        var images = Named(table, "images", path);
        var cases = new List<TestCase>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            index++;
            var where = $"{path}: case {index}";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new CommandUsageException($"{where} is not a mapping");
            }

            var name = Text(item, "name") ?? $"case {index}";
            where = $"{path}: case {index} ({name})";
            var caller = Resolve(item, "caller", callers, where) ?? throw new CommandUsageException($"{where}: no caller");
            var credentials = CallerFile.FromJson(caller, where);
            EdgeCase edgeCase;
            if (Text(item, "request_line") is { } line)
            {
                edgeCase = EdgeCase.Routed(line, credentials);
            }
            else
            {
                var operationName = Text(item, "operation") ?? throw new CommandUsageException($"{where}: no operation (or request_line)");
                var registered = EdgeOperations.Named(operationName) ?? throw new CommandUsageException($"{where}: no edge operation '{operationName}'");
                edgeCase = new EdgeCase(registered, credentials)
                {
                    MemberId = Text(item, "member"),
                    Values = item.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Object
                        ? values.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.ToString(), StringComparer.Ordinal)
                        : new Dictionary<string, string>(),
                };
            }

            var operation = edgeCase.Operation;
            edgeCase = edgeCase with
            {
                Body = item.TryGetProperty("request", out var request) ? (ReadOnlyMemory<byte>?)JsonSerializer.SerializeToUtf8Bytes(request, CommandJsonContext.Default.JsonElement) : null,
                ContentType = Text(item, "content_type"),
            };
            if (Resolve(item, "image", images, where) is { } image)
            {
                var (facts, members) = FactsFile.Image(image, where);
                edgeCase = edgeCase with { Image = facts, Members = members };
            }
            else if (operation.Facts is EdgeFactsNeeded.Image or EdgeFactsNeeded.ImageAndMember && !item.TryGetProperty("image", out _))
            {
                throw new CommandUsageException($"{where}: {operation.Name} reads the image: give image (null for none)");
            }

            if (item.TryGetProperty("namespace", out var ns))
            {
                var facts = FactsFile.Namespace(ns, where);
                edgeCase = edgeCase with { Namespace = facts, Values = PolicyExplainCommand.WithNamespace(edgeCase.Values, facts?.Namespace) };
            }

            cases.Add(new TestCase(name, edgeCase, Expectation(item, "expect", where) ?? throw new CommandUsageException($"{where}: no expect"),
                Expectation(item, "expect_candidate", where)));
        }

        return cases;
    }

    private static Dictionary<string, JsonElement> Named(JsonElement table, string key, string path)
    {
        if (!table.TryGetProperty(key, out var section) || section.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return section.ValueKind == JsonValueKind.Object
            ? section.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)
            : throw new CommandUsageException($"{path}: {key} is a mapping of names");
    }

    // A name of the table's section, or the value itself; null when absent or null.
    private static JsonElement? Resolve(JsonElement item, string key, Dictionary<string, JsonElement> named, string where)
    {
        if (!item.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return named.TryGetValue(value.GetString()!, out var found)
                ? found.ValueKind == JsonValueKind.Null ? null : found
                : throw new CommandUsageException($"{where}: no {key} named '{value.GetString()}'");
        }

        return value;
    }

    private static string? Expectation(JsonElement item, string key, string where)
    {
        if (!item.TryGetProperty(key, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var status) && status is >= 100 and <= 599 => status.ToString(CultureInfo.InvariantCulture),
            JsonValueKind.String when value.GetString() == "allowed" => "allowed",
            _ => throw new CommandUsageException($"{where}: {key} is allowed or an HTTP status (got {value})"),
        };
    }

    private static string? Text(JsonElement item, string key) =>
        item.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;
}
