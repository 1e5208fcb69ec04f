using System.Collections.Frozen;
using Glance.Policy.Language;

namespace Glance.Policy.Rules;

/// <summary>
/// A compiled rule set, as oslo.policy's Enforcer holds it after <c>load_rules</c>: every rule
/// the operator's file names (replacing the default and its deprecated rule entirely), then every
/// registered default it does not name (in the legacy mode OR-ed with its deprecated rule),
/// <c>rule:</c> references bound (a missing name falls back to <c>default</c>), cycles refused.
/// Immutable once built; a reload builds a new one. Gateway and store decide with the same instance.
/// </summary>
public sealed class PolicyRules
{
    private readonly FrozenDictionary<string, Entry> _rules;
    private readonly Check _contextIsAdmin;
    private string? _revision;
    private IReadOnlySet<string>? _targetKeys;
    private Action<PolicyQuery>? _observer;

    private PolicyRules(PolicyMode mode, FrozenDictionary<string, Entry> rules, IReadOnlyList<PolicyDiagnostic> diagnostics, string? source)
    {
        Mode = mode;
        _rules = rules;
        Diagnostics = diagnostics;
        Source = source;
        _contextIsAdmin = rules.TryGetValue(GlanceDefaults.ContextIsAdmin, out var admin) ? admin.Check : FalseCheck.Instance;
    }

    /// <summary>The switches this set was built for.</summary>
    public PolicyMode Mode { get; }

    /// <summary>What the operator should know about this set (parse errors, undefined references, ...).</summary>
    public IReadOnlyList<PolicyDiagnostic> Diagnostics { get; }

    /// <summary>The operator's file the set was built with, or null for the defaults alone.</summary>
    public string? Source { get; }

    /// <summary>
    /// A short hash (12 hex digits of SHA-256) of the set as it decides: the mode, then every rule
    /// by name with its scope types and compiled check (the operator's rules and the defaults
    /// merged, a legacy default OR-ed with its deprecated rule). Two sets that decide alike have
    /// the same revision whatever file spelling produced them; any rule that changes, changes it.
    /// </summary>
    public string Revision => _revision ??= ComputeRevision();

    /// <summary>
    /// Every target key a rule of the set substitutes (<c>%(key)s</c>): what a record of a
    /// decision must keep of the target for the decision to be replayed with these rules.
    /// </summary>
    public IReadOnlySet<string> TargetKeys => _targetKeys ??= _rules.Values
        .SelectMany(entry => Walk(entry.Check)).OfType<GenericCheck>().SelectMany(check => check.TargetKeys)
        .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The names of every rule in the set.</summary>
    public IEnumerable<string> Names => _rules.Keys;

    /// <summary>Glance 25's defaults alone, in <paramref name="mode"/>.</summary>
    public static PolicyRules Defaults(PolicyMode mode) => Build(mode, fileRules: null, source: null);

    /// <summary>
    /// Compiles the defaults of <paramref name="mode"/> with the operator's rules over them.
    /// </summary>
    /// <param name="mode">The switches.</param>
    /// <param name="fileRules">The operator's rules by name, already parsed, in file order; null for none.</param>
    /// <param name="source">Where the file rules came from, for logs.</param>
    public static PolicyRules Build(PolicyMode mode, IReadOnlyList<KeyValuePair<string, ParsedRule>>? fileRules, string? source)
    {
        ArgumentNullException.ThrowIfNull(mode);
        var diagnostics = new List<PolicyDiagnostic>();
        var checks = new Dictionary<string, Check>(StringComparer.Ordinal);
        var registered = GlanceDefaults.All.ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var (name, parsed) in fileRules ?? [])
        {
            // A copy: binding its rule: references must not touch the caller's tree (it may build
            // another set from the same parse).
            checks[name] = Copy(parsed.Root);
            foreach (var error in parsed.Errors)
            {
                diagnostics.Add(new PolicyDiagnostic(name, error.DeniesRule
                    ? $"check string refused, the rule denies everything (character {error.Position}: {error.Message})"
                    : $"character {error.Position}: {error.Message}", IsError: true));
            }
        }

        foreach (var rule in GlanceDefaults.All)
        {
            if (checks.ContainsKey(rule.Name))
            {
                continue;
            }

            var check = PolicyParser.Parse(rule.CheckString).Root;
            if (rule.DeprecatedCheckString is { } deprecated && !mode.EnforceNewDefaults && deprecated != rule.CheckString)
            {
                check = new OrCheck(check, PolicyParser.Parse(deprecated).Root);
            }

            checks[rule.Name] = check;
        }

        var referenced = checks.Values.SelectMany(References).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        RefuseCycles(checks, diagnostics);
        Bind(checks, diagnostics);
        foreach (var (name, _) in fileRules ?? [])
        {
            if (!registered.ContainsKey(name) && !referenced.Contains(name))
            {
                diagnostics.Add(new PolicyDiagnostic(name, "Glance has no rule of this name and no rule refers to it; it has no effect", IsError: false));
            }
        }

        var entries = checks.ToFrozenDictionary(
            pair => pair.Key,
            pair => new Entry(pair.Value, registered.TryGetValue(pair.Key, out var d) ? d.ScopeTypes?.ToArray() : null, registered.ContainsKey(pair.Key)),
            StringComparer.Ordinal);
        return new PolicyRules(mode, entries, diagnostics, source);
    }

    /// <summary>
    /// oslo.policy's <c>enforce</c> of a registered rule: the scope check of that rule (when
    /// <see cref="PolicyMode.EnforceScope"/> is on), then its check. No allocation.
    /// </summary>
    /// <exception cref="InvalidOperationException">The rule is not a registered Glance rule (Glance's PolicyNotRegistered).</exception>
    public bool IsAllowed(string rule, PolicyCredentials credentials, IPolicyTarget target)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (!_rules.TryGetValue(rule, out var entry) || !entry.Registered)
        {
            throw new InvalidOperationException($"'{rule}' is not a registered Glance policy rule.");
        }

        var allowed = (!Mode.EnforceScope || entry.ScopeTypes is not { } scopes || Array.IndexOf(scopes, credentials.TokenScope) >= 0)
            && entry.Check.Evaluate(credentials, target);
        _observer?.Invoke(new PolicyQuery(rule, credentials, target, allowed));
        return allowed;
    }

    /// <summary>
    /// The same rules, telling <paramref name="observer"/> of every <see cref="IsAllowed"/> asked
    /// of them, in order: what a decision function asked, with the very target it built (the
    /// operators' <c>policy explain</c> explains the rule that decided with it). The rules in
    /// force have no observer, so the edge's evaluation pays one null test.
    /// </summary>
    public PolicyRules Observed(Action<PolicyQuery> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var copy = (PolicyRules)MemberwiseClone();
        copy._observer = observer;
        return copy;
    }

    /// <summary>The compiled check of <paramref name="rule"/> (bound), or null when there is no such rule.</summary>
    internal Check? CheckOf(string rule) => _rules.TryGetValue(rule, out var entry) ? entry.Check : null;

    /// <summary>True when <paramref name="rule"/> is one of Glance's registered rules.</summary>
    public bool IsRegistered(string rule) => _rules.TryGetValue(rule, out var entry) && entry.Registered;

    /// <summary>The request context's <c>is_admin</c>: the <c>context_is_admin</c> rule over the caller.</summary>
    public bool IsAdmin(PolicyCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return _contextIsAdmin.Evaluate(credentials, credentials.ContextTarget);
    }

    /// <summary>The compiled check of a rule as oslo.policy would print it, or null when there is no such rule.</summary>
    public string? Describe(string rule) => _rules.TryGetValue(rule, out var entry) ? entry.Check.ToString() : null;

    /// <summary>The scope types of a registered rule, or null.</summary>
    public IReadOnlyList<string>? ScopeTypes(string rule) => _rules.TryGetValue(rule, out var entry) ? entry.ScopeTypes : null;

    private string ComputeRevision()
    {
        var text = new System.Text.StringBuilder();
        text.Append("mode ").Append(Mode.EnforceNewDefaults ? '1' : '0').Append(Mode.EnforceScope ? '1' : '0').Append('\n');
        foreach (var (name, entry) in _rules.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('\t').Append(entry.ScopeTypes is { } scopes ? string.Join(',', scopes) : "-").Append('\t').Append(entry.Check).Append('\n');
        }

        return ShortHash(text.ToString());
    }

    /// <summary>The first 12 hex digits of the SHA-256 of <paramref name="text"/> (UTF-8).</summary>
    public static string ShortHash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..12];
    }

    // A rule that reaches itself through rule: references would recurse without end in
    // oslo.policy; here it is refused (denies) and logged.
    private static void RefuseCycles(Dictionary<string, Check> checks, List<PolicyDiagnostic> diagnostics)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var cyclic = new HashSet<string>(StringComparer.Ordinal);
        var path = new Stack<string>();

        void Visit(string name)
        {
            state[name] = 1;
            path.Push(name);
            foreach (var reference in References(checks[name]))
            {
                var target = Resolve(checks, reference.Name);
                if (target is null)
                {
                    continue;
                }

                state.TryGetValue(target, out var seen);
                if (seen == 1)
                {
                    foreach (var member in path.TakeWhile(n => n != target).Append(target))
                    {
                        cyclic.Add(member);
                    }
                }
                else if (seen == 0)
                {
                    Visit(target);
                }
            }

            path.Pop();
            state[name] = 2;
        }

        foreach (var name in checks.Keys.ToList())
        {
            if (!state.ContainsKey(name))
            {
                Visit(name);
            }
        }

        foreach (var name in cyclic)
        {
            checks[name] = FalseCheck.Instance;
            diagnostics.Add(new PolicyDiagnostic(name, "the rule reaches itself through rule: references; it denies everything", IsError: true));
        }
    }

    private static void Bind(Dictionary<string, Check> checks, List<PolicyDiagnostic> diagnostics)
    {
        foreach (var (name, check) in checks)
        {
            foreach (var reference in References(check))
            {
                var target = Resolve(checks, reference.Name);
                reference.Bound = target is null ? null : checks[target];
                if (!checks.ContainsKey(reference.Name))
                {
                    diagnostics.Add(new PolicyDiagnostic(name, target is null
                        ? $"rule:{reference.Name} names no rule and there is no default rule; it never passes"
                        : $"rule:{reference.Name} names no rule; oslo.policy falls back to rule:{GlanceDefaults.DefaultRule} ({checks[target]})", IsError: true));
                }
            }
        }
    }

    // The composite nodes and references anew, the immutable leaves shared.
    private static Check Copy(Check check) => check switch
    {
        AndCheck and => new AndCheck([.. and.Checks.Select(Copy)]),
        OrCheck or => new OrCheck([.. or.Checks.Select(Copy)]),
        NotCheck not => new NotCheck(Copy(not.Inner)),
        RuleCheck rule => new RuleCheck(rule.Name),
        _ => check,
    };

    private static string? Resolve(Dictionary<string, Check> checks, string name) =>
        checks.ContainsKey(name) ? name : checks.ContainsKey(GlanceDefaults.DefaultRule) ? GlanceDefaults.DefaultRule : null;

    private static IEnumerable<RuleCheck> References(Check check) => Walk(check).OfType<RuleCheck>();

    private static IEnumerable<Check> Walk(Check check)
    {
        yield return check;
        IEnumerable<Check> children = check switch
        {
            AndCheck and => and.Checks,
            OrCheck or => or.Checks,
            NotCheck not => [not.Inner],
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in Walk(child))
            {
                yield return descendant;
            }
        }
    }

    private sealed record Entry(Check Check, string[]? ScopeTypes, bool Registered);
}
