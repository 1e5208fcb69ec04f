using Glance.Gateway.Hosting;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Policy;

/// <summary>
/// The candidate policy (<c>Policy:Candidate</c>): a second set of rules, loaded and reloaded
/// like the live one from its own file and switches, that every edge decision is also evaluated
/// with. It never changes an answer: where it would decide otherwise, the audit event and
/// <c>glance_gateway_policy_candidate_disagreements_total</c> say so. Without a file there is none.
/// </summary>
public sealed class CandidatePolicy : IHostedService, IDisposable
{
    private readonly PolicyFileWatcher? _watcher;
    private readonly PolicyRules? _fixed;

    /// <summary>Loads the candidate when one is configured; an unreadable file stops the start-up like the live one.</summary>
    public CandidatePolicy(IOptions<PolicyOptions> options, ConfigDirectory directory, ILogger<CandidatePolicy> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var candidate = options.Value.Candidate;
        if (!string.IsNullOrWhiteSpace(candidate.File))
        {
            _watcher = new PolicyFileWatcher(
                "Candidate policy", new PolicyMode(candidate.EnforceNewDefaults, candidate.EnforceScope), candidate.File, directory, logger, metrics: null, time);
        }
    }

    /// <summary>A candidate of fixed rules, or none (tests of the decision step).</summary>
    internal CandidatePolicy(PolicyRules? rules) => _fixed = rules;

    /// <summary>The candidate's rules now, or null when no candidate is configured.</summary>
    public PolicyRules? Current => _watcher?.Rules.Current ?? _fixed;

    /// <summary>The candidate's watcher (its file and load state), or null.</summary>
    public PolicyFileWatcher? Watcher => _watcher;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => _watcher?.StartAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => _watcher?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose() => _watcher?.Dispose();
}
