using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Hosting;

/// <summary>
/// The standalone store's policy: Glance's defaults in the configured mode, with the operator's
/// file over them, built once at start (<see cref="PolicyFile.Parse"/>, <see cref="PolicyRules.Build"/>).
/// </summary>
internal static partial class ImageStorePolicy
{
    /// <summary>Builds the rules of <paramref name="options"/>.</summary>
    /// <exception cref="OptionsValidationException">The file cannot be read, or is not a policy file.</exception>
    public static PolicyRules Load(ImageStorePolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var mode = new PolicyMode(options.EnforceNewDefaults, options.EnforceScope);
        if (string.IsNullOrEmpty(options.File))
        {
            return PolicyRules.Defaults(mode);
        }

        var path = Path.GetFullPath(options.File);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw Invalid($"ImageStore:Policy:File '{options.File}' cannot be read: {exception.Message}");
        }

        try
        {
            return PolicyRules.Build(mode, PolicyFile.Parse(text), path);
        }
        catch (PolicyFileException exception)
        {
            throw Invalid($"ImageStore:Policy:File '{options.File}' is not a policy file: {exception.Message}");
        }
    }

    /// <summary>Logs the mode and source of <paramref name="rules"/> and every diagnostic of its rules.</summary>
    public static void LogLoaded(ILogger logger, PolicyRules rules)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(rules);
        var mode = rules.Mode.ToString();
        Log.Loaded(logger, mode, rules.Source ?? "(Glance's defaults)");
        foreach (var diagnostic in rules.Diagnostics)
        {
            if (diagnostic.IsError)
            {
                Log.RuleError(logger, diagnostic.Rule, diagnostic.Message);
            }
            else
            {
                Log.RuleNote(logger, diagnostic.Rule, diagnostic.Message);
            }
        }
    }

    private static OptionsValidationException Invalid(string failure) =>
        new(ImageStoreOptions.SectionName, typeof(ImageStoreOptions), [failure]);

    private static partial class Log
    {
        [LoggerMessage(EventId = 15001, Level = LogLevel.Information, Message = "Policy: {Mode} mode, rules from {Source}")]
        public static partial void Loaded(ILogger logger, string mode, string source);

        [LoggerMessage(EventId = 15002, Level = LogLevel.Error, Message = "Policy rule {Rule}: {Message}")]
        public static partial void RuleError(ILogger logger, string rule, string message);

        [LoggerMessage(EventId = 15003, Level = LogLevel.Warning, Message = "Policy rule {Rule}: {Message}")]
        public static partial void RuleNote(ILogger logger, string rule, string message);
    }
}
