namespace Glance.Policy.Rules;

/// <summary>An <see cref="IPolicyRulesProvider"/> whose set the host replaces atomically on reload.</summary>
public sealed class PolicyRulesHolder(PolicyRules initial) : IPolicyRulesProvider
{
    private volatile PolicyRules _current = initial ?? throw new ArgumentNullException(nameof(initial));

    /// <inheritdoc />
    public PolicyRules Current => _current;

    /// <summary>Puts <paramref name="rules"/> in force for every decision that starts after this call.</summary>
    public void Replace(PolicyRules rules) => _current = rules ?? throw new ArgumentNullException(nameof(rules));
}
