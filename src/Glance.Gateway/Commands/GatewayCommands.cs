namespace Glance.Gateway.Commands;

/// <summary>
/// The operators' commands of the gateway's own binary (<c>glance-gateway &lt;command&gt;</c>):
/// <c>check</c> and <c>policy explain|test|replay|effective</c>. <c>Main</c> hands the arguments here
/// when the first one names a command; anything else starts the gateway. Exit codes:
/// <see cref="CommandExit"/>. Plain text by default, JSON with <c>--json</c>.
/// </summary>
public static class GatewayCommands
{
    private const string Usage = """
        usage: glance-gateway <command> [options]   (each command takes --help and --json)

          check [--config DIR]                    every operator file and setting, read as start-up reads them
          policy explain --operation NAME --caller FILE [--image FILE] [--member ID] [--request FILE] ...
                                                  what Glance would answer, the rule and what decided it
          policy test FILE                        an operator's table of expected decisions
          policy replay --audit FILE... --candidate FILE [--enforce-new-defaults] [--enforce-scope]
                                                  recorded decisions replayed against a candidate policy
          policy effective                        the rules as they decide, as a policy file

        exit: 0 all well, 1 a check or test found a problem or difference, 2 usage or file error
        """;

    /// <summary>True when <paramref name="args"/> name a command rather than settings for the gateway.</summary>
    public static bool IsCommand(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Count > 0 && args[0] is "check" or "policy" or "help";
    }

    /// <summary>Runs the command <paramref name="args"/> names; returns its exit code.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error) =>
        RunAsync(args, output, error, settings: null);

    /// <summary>As <see cref="RunAsync(IReadOnlyList{string}, TextWriter, TextWriter)"/>, with settings layered over the configuration (tests).</summary>
    internal static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? settings)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var rest = args.Skip(1).ToList();
            switch (args.Count > 0 ? args[0] : string.Empty)
            {
                case "check":
                    return await CheckCommand.RunAsync(rest, output, settings);
                case "policy" when rest.Count > 0 && rest[0] == "explain":
                    return PolicyExplainCommand.Run(rest.Skip(1).ToList(), output, settings);
                case "policy" when rest.Count > 0 && rest[0] == "test":
                    return PolicyTestCommand.Run(rest.Skip(1).ToList(), output, settings);
                case "policy" when rest.Count > 0 && rest[0] == "replay":
                    return PolicyReplayCommand.Run(rest.Skip(1).ToList(), output);
                case "policy" when rest.Count > 0 && rest[0] == "effective":
                    return PolicyEffectiveCommand.Run(rest.Skip(1).ToList(), output, settings);
                case "help":
                case "policy" when rest.Count > 0 && rest[0] is "--help" or "-h":
                    await output.WriteLineAsync(Usage);
                    return CommandExit.Ok;
                default:
                    await error.WriteLineAsync(Usage);
                    return CommandExit.Usage;
            }
        }
        catch (CommandUsageException ex)
        {
            await error.WriteLineAsync("glance-gateway: " + ex.Message.ReplaceLineEndings(" "));
            return CommandExit.Usage;
        }
    }
}
