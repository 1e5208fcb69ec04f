namespace Glance.Policy.Rules;

/// <summary>
/// Where a decision gets the rules in force: the host (gateway, or the store on its own) loads
/// them and swaps in a new set on reload; gateway and hosted store read the same provider.
/// </summary>
public interface IPolicyRulesProvider
{
    /// <summary>The rule set in force now; read it once per decision.</summary>
    PolicyRules Current { get; }
}
