namespace Glance.Gateway.Commands;

/// <summary>
/// A command's arguments: <c>--name value</c> options (a name may repeat), <c>--flag</c> switches
/// and positional words, checked against what the command accepts. Small and hand-written: the
/// gateway takes no command-line package for four commands.
/// </summary>
internal sealed class CommandArguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    private CommandArguments()
    {
    }

    /// <summary>The positional words, in order.</summary>
    public IReadOnlyList<string> Positionals => _positionals;

    /// <summary>True when <c>--help</c> or <c>-h</c> was given.</summary>
    public bool Help => _flags.Contains("--help");

    /// <summary>True when <c>--json</c> was given.</summary>
    public bool Json => _flags.Contains("--json");

    /// <summary>Reads <paramref name="args"/>; every command also takes <c>--help</c> and <c>--json</c>.</summary>
    /// <exception cref="CommandUsageException">An option the command does not take, or one without its value.</exception>
    public static CommandArguments Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> options, IReadOnlyCollection<string> flags)
    {
        var parsed = new CommandArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                parsed._flags.Add("--help");
            }
            else if (arg == "--json" || flags.Contains(arg))
            {
                parsed._flags.Add(arg);
            }
            else if (options.Contains(arg))
            {
                if (i + 1 >= args.Count)
                {
                    throw new CommandUsageException($"{arg} needs a value");
                }

                if (!parsed._options.TryGetValue(arg, out var values))
                {
                    parsed._options[arg] = values = [];
                }

                values.Add(args[++i]);
            }
            else if (arg.StartsWith('-') && arg.Length > 1)
            {
                throw new CommandUsageException($"unknown option {arg}");
            }
            else
            {
                parsed._positionals.Add(arg);
            }
        }

        return parsed;
    }

    /// <summary>True when the switch was given.</summary>
    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The option's last value, or null.</summary>
    public string? Option(string name) => _options.TryGetValue(name, out var values) ? values[^1] : null;

    /// <summary>Every value the option was given, in order.</summary>
    public IReadOnlyList<string> Options(string name) => _options.TryGetValue(name, out var values) ? values : [];

    /// <summary>The option's value; a usage error when it is missing.</summary>
    public string Required(string name) => Option(name) ?? throw new CommandUsageException($"{name} is required");
}
