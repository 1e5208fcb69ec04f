using Glance.Policy.Operations;

namespace Glance.Gateway.Commands;

/// <summary>
/// <c>policy explain</c>: one request decided by the registered operation's own function, with the
/// live rules and, when set, the candidate's: the status and body Glance would answer, the rule,
/// and what decided it. Exit 0; 1 when the candidate answers differently from the live policy.
/// </summary>
internal static class PolicyExplainCommand
{
    private const string Help = """
        usage: glance-gateway policy explain (--operation NAME | --request-line "METHOD TARGET") --caller FILE
                                             [--image FILE] [--member ID] [--request FILE] [--namespace FILE]
                                             [--value KEY=VALUE]... [--image-id ID] [--content-type TYPE]
                                             [policy options]

        Decides one request as the edge would, with the live policy and the candidate (if any), and
        prints the status and body Glance would answer, the rule, and what decided it: for an allow,
        the branch of the rule that held; for a refusal, the check that failed in each branch.

          --operation NAME     a registered edge operation (get_image, delete_member, modify_image, ...)
          --request-line LINE  or the request as an access log shows it ("DELETE /v2/images/ID/members/P"):
                               Glance's router names the operation and takes the ids, values and query
          --caller FILE        JSON: {"user_id", "project_id", "roles": [...], "system_scope", "domain_id",
                               "user_domain_id", "project_domain_id", "is_admin_project"}
          --image FILE         JSON as Glance's image body (id, visibility, owner, status, ...; custom
                               properties at the top level), plus "members": [projects it is shared with];
                               null for an image that does not exist
          --member ID          the member id of the path (member operations)
          --request FILE       the request's JSON body (create, PATCH, members, import)
          --namespace FILE     JSON as Glance's metadef namespace body (metadef operations)
          --value KEY=VALUE    another value of the path: tag_value, namespace, store_id, ...
          --image-id ID        the path's image id when there is no image
          --content-type TYPE  the request's Content-Type (default: what the operation expects)
        """;

    private static readonly string[] OwnOptions =
        ["--operation", "--request-line", "--caller", "--image", "--member", "--request", "--namespace", "--value", "--image-id", "--content-type"];

    /// <summary>Runs the command.</summary>
    public static int Run(IReadOnlyList<string> arguments, TextWriter output, IReadOnlyDictionary<string, string?>? settings)
    {
        var args = CommandArguments.Parse(arguments, [.. OwnOptions, .. PolicySources.Options], PolicySources.Flags);
        if (args.Help)
        {
            output.WriteLine(Help + PolicySources.Help);
            return CommandExit.Ok;
        }

        if (args.Positionals.Count > 0)
        {
            throw new CommandUsageException($"unexpected argument '{args.Positionals[0]}'");
        }

        var edgeCase = ReadCase(args);
        var (live, candidate) = PolicySources.Load(args, settings);
        var results = PolicySources.Both(live, candidate).Select(edgeCase.Decide).ToList();
        var differs = results.Count > 1 && !results[0].SameAnswer(results[1]);
        if (args.Json)
        {
            JsonOutput.Write(output, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("operation", edgeCase.Operation.Name);
                writer.WriteStartArray("decisions");
                foreach (var result in results)
                {
                    result.Write(writer);
                }

                writer.WriteEndArray();
                writer.WriteBoolean("candidateDiffers", differs);
                writer.WriteEndObject();
            });
        }
        else
        {
            output.WriteLine($"operation: {edgeCase.Operation}");
            foreach (var line in results.SelectMany(r => r.Lines()))
            {
                output.WriteLine(line);
            }

            if (results.Count > 1)
            {
                output.WriteLine(differs ? "the candidate answers differently" : "the candidate answers the same");
            }
        }

        return differs ? CommandExit.Found : CommandExit.Ok;
    }

    private static EdgeCase ReadCase(CommandArguments args)
    {
        var credentials = CallerFile.Read(args.Required("--caller"));
        EdgeCase edgeCase;
        if (args.Option("--request-line") is { } line)
        {
            edgeCase = EdgeCase.Routed(line, credentials);
            if (args.Option("--operation") is { } named && named != edgeCase.Operation.Name)
            {
                throw new CommandUsageException($"'{line}' is {edgeCase.Operation.Name}, not {named}");
            }
        }
        else
        {
            var name = args.Option("--operation") ?? throw new CommandUsageException("--operation or --request-line is required");
            var registered = EdgeOperations.Named(name)
                ?? throw new CommandUsageException($"no edge operation '{name}' (known: {string.Join(", ", EdgeOperations.All.Select(o => o.Name))})");
            edgeCase = new EdgeCase(registered, credentials)
            {
                MemberId = args.Option("--member"),
                ImageId = args.Option("--image-id"),
                Values = Values(args.Options("--value")),
            };
        }

        edgeCase = edgeCase with
        {
            ContentType = args.Option("--content-type"),
            Body = args.Option("--request") is { } request ? (ReadOnlyMemory<byte>?)InputFile.ReadBytes(request) : null, // (a null array would become an empty body)
        };
        var operation = edgeCase.Operation;
        if (args.Option("--image") is { } imagePath)
        {
            using var image = InputFile.ReadJson(imagePath);
            var (facts, members) = FactsFile.Image(image.RootElement, imagePath);
            edgeCase = edgeCase with { Image = facts, Members = members };
        }
        else if (operation.Facts is EdgeFactsNeeded.Image or EdgeFactsNeeded.ImageAndMember)
        {
            throw new CommandUsageException($"{operation.Name} reads the image: --image FILE is required (a file holding null for an image that does not exist)");
        }

        if (args.Option("--namespace") is { } namespacePath)
        {
            using var ns = InputFile.ReadJson(namespacePath);
            var facts = FactsFile.Namespace(ns.RootElement, namespacePath);
            edgeCase = edgeCase with { Namespace = facts, Values = WithNamespace(edgeCase.Values, facts?.Namespace) };
        }

        if (operation.Facts == EdgeFactsNeeded.ImageAndMember && edgeCase.MemberId is null)
        {
            throw new CommandUsageException($"{operation.Name} is on a member's path: --member ID is required");
        }

        return edgeCase;
    }

    /// <summary>The path's values of <c>--value KEY=VALUE</c>.</summary>
    public static IReadOnlyDictionary<string, string> Values(IEnumerable<string> pairs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CommandUsageException($"--value takes KEY=VALUE (got '{pair}')");
            }

            values[pair[..equals]] = pair[(equals + 1)..];
        }

        return values;
    }

    /// <summary>The values with the namespace's name, unless the path already names one.</summary>
    public static IReadOnlyDictionary<string, string> WithNamespace(IReadOnlyDictionary<string, string> values, string? name)
    {
        if (name is null || values.ContainsKey("namespace"))
        {
            return values;
        }

        return new Dictionary<string, string>(values, StringComparer.Ordinal) { ["namespace"] = name };
    }
}
