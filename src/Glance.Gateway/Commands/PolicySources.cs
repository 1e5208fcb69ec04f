using Glance.Gateway.Hosting;
using Glance.Gateway.Policy;
using Microsoft.Extensions.Logging.Abstractions;

namespace Glance.Gateway.Commands;

/// <summary>
/// The live and candidate rules of the policy commands, loaded as the gateway loads them (through
/// <see cref="PolicyFileWatcher"/>'s own start-up load): from the configuration
/// (<c>--config DIR</c>: <c>Policy:File</c>, <c>Policy:EnforceNewDefaults</c>,
/// <c>Policy:EnforceScope</c>, and <c>Policy:Candidate:File</c> with its own two switches), or
/// from the command line (<c>--policy FILE --enforce-new-defaults --enforce-scope</c>;
/// <c>--candidate FILE --candidate-enforce-new-defaults --candidate-enforce-scope</c>). The
/// candidate keys are read here directly, so this folder needs nothing of the gateway's own
/// candidate watcher.
/// </summary>
internal static class PolicySources
{
    /// <summary>The options every policy command takes.</summary>
    public static readonly string[] Options = ["--config", "--policy", "--candidate"];

    /// <summary>The switches every policy command takes.</summary>
    public static readonly string[] Flags = ["--enforce-new-defaults", "--enforce-scope", "--candidate-enforce-new-defaults", "--candidate-enforce-scope"];

    /// <summary>The help text of the options above.</summary>
    public const string Help = """
          --config DIR               the gateway's settings and operator folder (Policy:File, Policy:Enforce*,
                                     Policy:Candidate:File and its EnforceNewDefaults/EnforceScope)
          --policy FILE              the live policy file instead of the configuration's
          --enforce-new-defaults     with --policy: oslo.policy's enforce_new_defaults (Glance's enforce_secure_rbac)
          --enforce-scope            with --policy: oslo.policy's enforce_scope
          --candidate FILE           a candidate policy file, decided beside the live one
          --candidate-enforce-new-defaults, --candidate-enforce-scope
                                     the candidate's switches (default: off)
          --json                     JSON output
        """;

    private const string CandidateSection = "Policy:Candidate";

    /// <summary>The live set and, when one is given or configured, the candidate.</summary>
    /// <exception cref="CommandUsageException">A file that cannot be read or used, or settings that do not validate.</exception>
    public static (PolicySet Live, PolicySet? Candidate) Load(CommandArguments args, IReadOnlyDictionary<string, string?>? settings)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Option("--policy") is not { } policyFile)
        {
            if (args.Has("--enforce-new-defaults") || args.Has("--enforce-scope"))
            {
                throw new CommandUsageException("--enforce-new-defaults and --enforce-scope go with --policy; with --config the settings say");
            }

            return Load(args, CommandConfiguration.Read(args.Option("--config"), settings));
        }

        var path = Path.GetFullPath(policyFile);
        if (!File.Exists(path))
        {
            throw new CommandUsageException($"{path} does not exist");
        }

        var live = new PolicySet("live", LoadFile(path, args.Has("--enforce-new-defaults"), args.Has("--enforce-scope"), null));
        return (live, Candidate(args.Option("--candidate"), args.Has("--candidate-enforce-new-defaults"), args.Has("--candidate-enforce-scope"), null));
    }

    /// <summary>
    /// The live set of <paramref name="configuration"/> (its <c>Policy</c> section, validated as
    /// start-up validates it) and its candidate, unless the command line names one.
    /// </summary>
    /// <exception cref="CommandUsageException">A file that cannot be read or used, or settings that do not validate.</exception>
    public static (PolicySet Live, PolicySet? Candidate) Load(CommandArguments args, CommandConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new PolicyOptions();
        configuration.Settings.GetSection(PolicyOptions.SectionName).Bind(options);
        var validation = new PolicyOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new CommandUsageException("configuration error: " + validation.FailureMessage);
        }

        var live = new PolicySet("live", Load(options, configuration.Directory));
        if (args.Option("--candidate") is { } candidate)
        {
            return (live, Candidate(candidate, args.Has("--candidate-enforce-new-defaults"), args.Has("--candidate-enforce-scope"), configuration.Directory));
        }

        var settings = configuration.Settings;
        return settings[$"{CandidateSection}:File"] is { Length: > 0 } configured
            ? (live, Candidate(
                Path.GetFullPath(configured, configuration.Directory.Path),
                Switch(settings, $"{CandidateSection}:EnforceNewDefaults"),
                Switch(settings, $"{CandidateSection}:EnforceScope"),
                configuration.Directory))
            : (live, null);
    }

    private static PolicySet? Candidate(string? candidateFile, bool candidateNew, bool candidateScope, ConfigDirectory? directory)
    {
        if (candidateFile is null)
        {
            return null;
        }

        var candidatePath = Path.GetFullPath(candidateFile);
        if (!File.Exists(candidatePath))
        {
            throw new CommandUsageException($"the candidate policy {candidatePath} does not exist");
        }

        return new PolicySet("candidate", LoadFile(candidatePath, candidateNew, candidateScope, directory));
    }

    /// <summary>Both sets, live first.</summary>
    public static IReadOnlyList<PolicySet> Both(PolicySet live, PolicySet? candidate) => candidate is null ? [live] : [live, candidate];

    /// <summary>The rules of the policy file <paramref name="path"/> in the given mode, loaded as start-up loads them.</summary>
    public static Glance.Policy.Rules.PolicyRules LoadFile(string path, bool enforceNewDefaults, bool enforceScope, ConfigDirectory? directory)
    {
        directory ??= ConfigDirectory.Resolve(Path.GetDirectoryName(path), Environment.CurrentDirectory);
        return Load(new PolicyOptions { File = path, EnforceNewDefaults = enforceNewDefaults, EnforceScope = enforceScope }, directory);
    }

    // The start-up load itself: a file that is neither YAML nor JSON is the same one line.
    private static Glance.Policy.Rules.PolicyRules Load(PolicyOptions options, ConfigDirectory directory)
    {
        try
        {
            using var watcher = new PolicyFileWatcher(
                "Policy", new Glance.Policy.Rules.PolicyMode(options.EnforceNewDefaults, options.EnforceScope), options.File, directory, NullLogger<PolicyFileWatcher>.Instance, metrics: null, TimeProvider.System);
            return watcher.Rules.Current;
        }
        catch (GatewayConfigurationException ex)
        {
            throw new CommandUsageException(ex.Message, ex);
        }
    }

    private static bool Switch(IConfiguration settings, string key) =>
        settings[key] is { } value && (bool.TryParse(value, out var on) ? on : throw new CommandUsageException($"{key} must be true or false (got '{value}')"));
}
