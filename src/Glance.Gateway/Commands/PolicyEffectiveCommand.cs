using System.Text;
using Glance.Policy.Rules;

namespace Glance.Gateway.Commands;

/// <summary>
/// <c>policy effective</c>: the rules as they decide, written out as a policy file (YAML): each
/// rule's compiled check as oslo.policy prints it, so where the legacy mode joins a new default
/// with its deprecated rule (<c>new or old</c>) that is what is written, and a rule of the
/// operator's file is written as it replaced the default. Read back in any mode, the file decides
/// as these rules do. Exit 0.
/// </summary>
internal static class PolicyEffectiveCommand
{
    private const string Help = """
        usage: glance-gateway policy effective [--candidate-only] [policy options]

        Writes the live rules (or, with --candidate-only, the candidate's) as they decide, as a
        policy file in YAML: in the legacy mode a default is written joined with its deprecated rule,
        as oslo.policy evaluates it, and a rule of the operator's file as it replaced the default.
        With --json: {"mode", "file", "rules": {name: {"check", "scope_types", "origin"}}}.

          --candidate-only     the candidate's rules instead of the live ones
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(IReadOnlyList<string> arguments, TextWriter output, IReadOnlyDictionary<string, string?>? settings)
    {
        var args = CommandArguments.Parse(arguments, PolicySources.Options, [.. PolicySources.Flags, "--candidate-only"]);
        if (args.Help)
        {
            output.WriteLine(Help + PolicySources.Help);
            return CommandExit.Ok;
        }

        if (args.Positionals.Count > 0)
        {
            throw new CommandUsageException($"unexpected argument '{args.Positionals[0]}'");
        }

        var (live, candidate) = PolicySources.Load(args, settings);
        var set = args.Has("--candidate-only") ? candidate ?? throw new CommandUsageException("--candidate-only: no candidate policy given or configured") : live;
        var rules = set.Rules;
        var names = Ordered(rules);
        if (args.Json)
        {
            JsonOutput.Write(output, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("policy", set.Name);
                writer.WriteString("mode", rules.Mode.ToString());
                writer.StringOrNull("file", rules.Source);
                writer.WriteStartObject("rules");
                foreach (var name in names)
                {
                    writer.WriteStartObject(name);
                    writer.WriteString("check", rules.Describe(name));
                    if (rules.ScopeTypes(name) is { } scopes)
                    {
                        writer.WriteStartArray("scope_types");
                        foreach (var scope in scopes)
                        {
                            writer.WriteStringValue(scope);
                        }

                        writer.WriteEndArray();
                    }

                    writer.WriteString("origin", Origin(rules, name));
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            });
        }
        else
        {
            output.Write(Yaml(set, names));
        }

        return CommandExit.Ok;
    }

    /// <summary>The policy file text of <paramref name="set"/>.</summary>
    public static string Yaml(PolicySet set, IEnumerable<string> names)
    {
        var rules = set.Rules;
        var text = new StringBuilder();
        text.Append("# The ").Append(set.Name).Append(" rules as they decide: mode ").Append(rules.Mode)
            .Append(" (enforce_new_defaults=").Append(rules.Mode.EnforceNewDefaults ? "true" : "false")
            .Append(", enforce_scope=").Append(rules.Mode.EnforceScope ? "true" : "false").Append("), ")
            .Append(rules.Source is null ? "Glance's defaults" : "the file " + rules.Source).Append('\n');
        text.Append("# Written by glance-gateway policy effective: each rule's compiled check, as oslo.policy evaluates it.\n");
        foreach (var name in names)
        {
            text.Append('\n');
            text.Append("# ").Append(Origin(rules, name));
            if (rules.ScopeTypes(name) is { } scopes)
            {
                text.Append("; scope_types [").Append(string.Join(", ", scopes)).Append(']');
            }

            text.Append('\n');
            text.Append(Quote(name)).Append(": ").Append(Quote(rules.Describe(name)!)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Glance's rules in registration order, then the file's others by name.</summary>
    public static IReadOnlyList<string> Ordered(PolicyRules rules)
    {
        var registered = GlanceDefaults.All.Select(d => d.Name).ToList();
        return [.. registered, .. rules.Names.Except(registered, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    // Where the rule as written comes from.
    private static string Origin(PolicyRules rules, string name)
    {
        var registered = GlanceDefaults.All.FirstOrDefault(d => d.Name == name);
        if (registered is null)
        {
            return "from the file (not a Glance rule)";
        }

        var compiled = rules.Describe(name);
        var alone = PolicyRules.Defaults(PolicyMode.Secure).Describe(name);
        var joined = PolicyRules.Defaults(PolicyMode.Legacy).Describe(name);
        return compiled == (rules.Mode.EnforceNewDefaults ? alone : joined)
            ? compiled == alone || registered.DeprecatedCheckString is null
                ? "Glance's default"
                : "Glance's default joined with its deprecated rule " + registered.DeprecatedCheckString + " (legacy mode)"
            : "from the file (replaces Glance's default)";
    }

    // A YAML double-quoted scalar.
    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
