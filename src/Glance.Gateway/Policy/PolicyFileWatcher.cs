using Glance.Gateway.Hosting;
using Glance.Policy.Rules;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Glance.Gateway.Policy;

/// <summary>
/// Loads the operator's policy file over Glance's defaults and keeps the rules in force current.
/// At start-up a file that is not valid YAML or JSON stops the gateway (one line, exit 2). On a
/// change the file is read again: a broken edit is refused with one warning and the last good
/// rules keep deciding; rule-level problems are handled as oslo.policy handles them and logged
/// one line each. Gateway pre-check and hosted store read the same <see cref="Rules"/>.
/// </summary>
public sealed partial class PolicyFileWatcher : IHostedService, IDisposable
{
    private readonly PolicyMode _mode;
    private readonly ILogger<PolicyFileWatcher> _logger;
    private readonly PhysicalFileProvider _files;
    private readonly string _name;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private IDisposable? _watch;

    /// <summary>Loads the rules; throws <see cref="GatewayConfigurationException"/> for an unreadable file.</summary>
    public PolicyFileWatcher(IOptions<PolicyOptions> options, ConfigDirectory directory, ILogger<PolicyFileWatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(directory);
        _logger = logger;
        _mode = new PolicyMode(options.Value.EnforceNewDefaults, options.Value.EnforceScope);
        FilePath = Path.GetFullPath(options.Value.File, directory.Path);
        _files = new PhysicalFileProvider(Path.GetDirectoryName(FilePath)!);
        _name = Path.GetFileName(FilePath);
        try
        {
            Rules = new PolicyRulesHolder(Load());
        }
        catch (Exception ex) when (ex is PolicyFileException or IOException or UnauthorizedAccessException)
        {
            _files.Dispose();
            throw new GatewayConfigurationException($"{FilePath} cannot be used: {ex.Message}", ex);
        }
    }

    /// <summary>The operator's file (it may not exist).</summary>
    public string FilePath { get; }

    /// <summary>The rules in force.</summary>
    public PolicyRulesHolder Rules { get; }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Report(Rules.Current);
        _watch = ChangeToken.OnChange(() => _files.Watch(_name), () => _ = ReloadSoonAsync());
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watch?.Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _watch?.Dispose();
        _files.Dispose();
        _reloading.Dispose();
    }

    private PolicyRules Load() => File.Exists(FilePath)
        ? PolicyRules.Build(_mode, PolicyFile.Parse(File.ReadAllText(FilePath)), FilePath)
        : PolicyRules.Defaults(_mode);

    // Editors write in several steps; wait for the burst to settle, as the routes file does.
    private async Task ReloadSoonAsync()
    {
        await Task.Delay(250);
        await _reloading.WaitAsync();
        try
        {
            if (!File.Exists(FilePath))
            {
                Log.FileGone(_logger, FilePath);
                return;
            }

            PolicyRules rules;
            try
            {
                rules = Load();
            }
            catch (Exception ex)
            {
                // Whatever the failure, an edit must never take the rules away: the last good set stays.
                Log.Refused(_logger, FilePath, ex.Message.ReplaceLineEndings(" "));
                return;
            }

            Rules.Replace(rules);
            Report(rules);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private void Report(PolicyRules rules)
    {
        var mode = rules.Mode.ToString();
        Log.InForce(_logger, mode, rules.Source ?? "(none: Glance's defaults)", rules.Diagnostics.Count);
        foreach (var diagnostic in rules.Diagnostics)
        {
            if (diagnostic.IsError)
            {
                Log.RuleProblem(_logger, diagnostic.Rule, diagnostic.Message);
            }
            else
            {
                Log.RuleNotice(_logger, diagnostic.Rule, diagnostic.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Policy in force: mode {Mode}, file {File}, {Problems} rule problems")]
        public static partial void InForce(ILogger logger, string mode, string file, int problems);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Policy rule {Rule}: {Problem}")]
        public static partial void RuleProblem(ILogger logger, string rule, string problem);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Policy rule {Rule}: {Notice}")]
        public static partial void RuleNotice(ILogger logger, string rule, string notice);

        [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Policy file {File} refused, the last good rules keep deciding: {Reason}")]
        public static partial void Refused(ILogger logger, string file, string reason);

        [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Policy file {File} was removed; the last good rules keep deciding")]
        public static partial void FileGone(ILogger logger, string file);
    }
}
