using Glance.Policy.Language;
using Glance.Policy.Rules;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's <c>MetadefAPIPolicy</c> (glance/api/v2/policy.py) for one caller and, optionally,
/// one namespace. The target is <c>{project_id: the namespace's owner, visibility: its
/// visibility}</c>, or <c>{project_id: the caller's project}</c> without a namespace. A refused
/// rule is a bare 404 when it is <c>get_metadef_namespace</c> or when that rule refuses too (not
/// to reveal a namespace the caller cannot see), otherwise 403 naming the rule.
/// </summary>
public sealed class MetadefPolicy
{
    private readonly Caller _caller;
    private readonly DictionaryTarget _target;

    private MetadefPolicy(Caller caller, DictionaryTarget target)
    {
        _caller = caller;
        _target = target;
    }

    /// <summary>The policy without a namespace (listings, creation).</summary>
    public static MetadefPolicy For(Caller caller) =>
        new(caller, new DictionaryTarget(new Dictionary<string, string>(StringComparer.Ordinal) { ["project_id"] = Py(caller.ProjectId) }));

    /// <summary>The policy over a namespace of <paramref name="owner"/> with <paramref name="visibility"/>.</summary>
    public static MetadefPolicy For(Caller caller, string? owner, string? visibility) =>
        new(caller, new DictionaryTarget(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["project_id"] = Py(owner),
            ["visibility"] = visibility ?? "private",
        }));

    /// <summary><c>MetadefAPIPolicy._enforce</c>: null when allowed, else Glance's refusal.</summary>
    public Refusal? Enforce(string rule)
    {
        if (_caller.IsAllowed(rule, _target))
        {
            return null;
        }

        return rule == PolicyRuleNames.GetMetadefNamespace || !_caller.IsAllowed(PolicyRuleNames.GetMetadefNamespace, _target)
            ? Refusal.Hidden(rule)
            : Refusal.NotAuthorized(rule);
    }

    /// <summary>The first refusal of <paramref name="rules"/>, in order, or null.</summary>
    public Refusal? Enforce(params string[] rules)
    {
        foreach (var rule in rules)
        {
            if (Enforce(rule) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    /// <summary><c>MetadefAPIPolicy.check</c>: true when allowed.</summary>
    public bool Check(string rule) => _caller.IsAllowed(rule, _target);

    // oslo.policy renders a target value with Python's str(): None is "None".
    private static string Py(string? value) => value ?? "None";
}
