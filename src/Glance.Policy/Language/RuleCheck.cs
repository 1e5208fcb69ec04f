namespace Glance.Policy.Language;

/// <summary>
/// <c>rule:NAME</c>: passes when the named rule passes. <see cref="Rules.PolicyRules"/> binds it
/// when it compiles a rule set: to the named rule, or, when no rule has that name, to the
/// <c>default</c> rule (oslo.policy's <c>Rules.__missing__</c>); with no <c>default</c> either,
/// it fails closed. The scope check is never applied through a <c>rule:</c> reference.
/// </summary>
public sealed class RuleCheck(string name) : Check
{
    /// <summary>The referenced rule's name.</summary>
    public string Name { get; } = name ?? throw new ArgumentNullException(nameof(name));

    /// <summary>What the reference evaluates: null until bound (then it fails closed).</summary>
    public Check? Bound { get; internal set; }

    /// <inheritdoc />
    public override bool Evaluate(PolicyCredentials credentials, IPolicyTarget target) =>
        Bound is { } bound && bound.Evaluate(credentials, target);

    /// <inheritdoc />
    public override string ToString() => "rule:" + Name;
}
