using Glance.Gateway.Hosting;
using Glance.Gateway.Telemetry;
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
/// one line each. Gateway pre-check and hosted store read the same <see cref="Rules"/>. The
/// candidate policy (<see cref="CandidatePolicy"/>) is a second watcher of its own file and mode.
/// What was loaded when, and the last edit refused and why, is <see cref="Status"/> (<c>/readyz</c>);
/// each reload is counted (<c>glance_gateway_policy_reloads_total{outcome}</c>, the live policy's).
/// </summary>
public sealed partial class PolicyFileWatcher : IHostedService, IDisposable
{
    private readonly PolicyMode _mode;
    private readonly ILogger _logger;
    private readonly GatewayMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly PhysicalFileProvider _files;
    private readonly string _name;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private IDisposable? _watch;
    private volatile PolicyLoadStatus _status;

    /// <summary>Loads the live rules; throws <see cref="GatewayConfigurationException"/> for an unreadable file.</summary>
    public PolicyFileWatcher(IOptions<PolicyOptions> options, ConfigDirectory directory, ILogger<PolicyFileWatcher> logger, GatewayMetrics metrics, TimeProvider time)
        : this(
            "Policy",
            new PolicyMode((options ?? throw new ArgumentNullException(nameof(options))).Value.EnforceNewDefaults, options.Value.EnforceScope),
            options.Value.File,
            directory,
            logger,
            metrics,
            time)
    {
    }

    /// <summary>
    /// Loads the rules of <paramref name="file"/> in <paramref name="mode"/>; <paramref name="role"/>
    /// names them in the log (<c>Policy</c>, <c>Candidate policy</c>); <paramref name="metrics"/>
    /// null: reloads are not counted.
    /// </summary>
    internal PolicyFileWatcher(string role, PolicyMode mode, string file, ConfigDirectory directory, ILogger logger, GatewayMetrics? metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Role = role;
        _logger = logger;
        _metrics = metrics;
        _time = time;
        _mode = mode;
        FilePath = Path.GetFullPath(file, directory.Path);
        _files = new PhysicalFileProvider(Path.GetDirectoryName(FilePath)!);
        _name = Path.GetFileName(FilePath);
        try
        {
            var rules = Load();
            Rules = new PolicyRulesHolder(rules);
            _status = new PolicyLoadStatus(_time.GetUtcNow(), rules.Diagnostics.Count, LastRefused: null);
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

    /// <summary>What the log calls these rules: <c>Policy</c> or <c>Candidate policy</c>.</summary>
    public string Role { get; }

    /// <summary>When the rules in force were loaded, their problem count, the last edit refused.</summary>
    public PolicyLoadStatus Status => _status;

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
                Log.FileGone(_logger, Role, FilePath);
                Refuse("the file was removed");
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
                var reason = ex.Message.ReplaceLineEndings(" ");
                Log.Refused(_logger, Role, FilePath, reason);
                Refuse(reason);
                return;
            }

            Rules.Replace(rules);
            _status = new PolicyLoadStatus(_time.GetUtcNow(), rules.Diagnostics.Count, _status.LastRefused);
            _metrics?.RecordPolicyReload("applied");
            Report(rules);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private void Refuse(string reason)
    {
        _status = _status with { LastRefused = new PolicyRefusedEdit(_time.GetUtcNow(), reason) };
        _metrics?.RecordPolicyReload("refused");
    }

    private void Report(PolicyRules rules)
    {
        var mode = rules.Mode.ToString();
        Log.InForce(_logger, Role, mode, rules.Source ?? "(none: Glance's defaults)", rules.Diagnostics.Count, rules.Revision);
        foreach (var diagnostic in rules.Diagnostics)
        {
            if (diagnostic.IsError)
            {
                Log.RuleProblem(_logger, Role, diagnostic.Rule, diagnostic.Message);
            }
            else
            {
                Log.RuleNotice(_logger, Role, diagnostic.Rule, diagnostic.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "{Role} in force: mode {Mode}, file {File}, {Problems} rule problems, revision {Revision}")]
        public static partial void InForce(ILogger logger, string role, string mode, string file, int problems, string revision);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "{Role} rule {Rule}: {Problem}")]
        public static partial void RuleProblem(ILogger logger, string role, string rule, string problem);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "{Role} rule {Rule}: {Notice}")]
        public static partial void RuleNotice(ILogger logger, string role, string rule, string notice);

        [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "{Role} file {File} refused, the last good rules keep deciding: {Reason}")]
        public static partial void Refused(ILogger logger, string role, string file, string reason);

        [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "{Role} file {File} was removed; the last good rules keep deciding")]
        public static partial void FileGone(ILogger logger, string role, string file);
    }
}
