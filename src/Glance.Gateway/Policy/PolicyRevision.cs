using Glance.Gateway.EdgePolicy;
using Glance.Policy.Operations;
using Glance.Policy.Rules;

namespace Glance.Gateway.Policy;

/// <summary>
/// The policy revision: a short hash of what decides at the edge, the effective rules (the
/// mode's defaults merged with the operator's file, <see cref="PolicyRules.Revision"/>) and the
/// mode of every edge operation. Two replicas with different rules or modes show different
/// revisions; a reload that changes nothing keeps it. Computed once per change, read per decision.
/// </summary>
public sealed class PolicyRevision
{
    private readonly IPolicyRulesProvider _policy;
    private readonly EdgePolicyModes _modes;
    private volatile Snapshot? _last;

    /// <summary>Follows the rules and the modes in force; <c>glance_gateway_policy_info</c> reads it.</summary>
    public PolicyRevision(IPolicyRulesProvider policy, EdgePolicyModes modes, Telemetry.GatewayMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(metrics);
        _policy = policy;
        _modes = modes;
        metrics.ObservePolicy(() => (Current, policy.Current.Mode.ToString()));
    }

    /// <summary>The revision of the rules and modes in force now.</summary>
    public string Current => Of(_policy.Current);

    /// <summary>The revision of <paramref name="rules"/> with the modes in force now.</summary>
    public string Of(PolicyRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var options = _modes.Options;
        var last = _last;
        if (last is not null && ReferenceEquals(last.Rules, rules) && ReferenceEquals(last.Modes, options))
        {
            return last.Revision;
        }

        var revision = Compute(rules, options);
        _last = new Snapshot(rules, options, revision);
        return revision;
    }

    /// <summary>The revision of <paramref name="rules"/> decided with <paramref name="options"/>' modes.</summary>
    public static string Compute(PolicyRules rules, EdgePolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(options);
        var text = new System.Text.StringBuilder(rules.Revision);
        foreach (var operation in EdgeOperations.All)
        {
            text.Append('\n').Append(operation.Name).Append('=').Append(options.ModeOf(operation));
        }

        return PolicyRules.ShortHash(text.ToString());
    }

    private sealed record Snapshot(PolicyRules Rules, EdgePolicyOptions Modes, string Revision);
}
