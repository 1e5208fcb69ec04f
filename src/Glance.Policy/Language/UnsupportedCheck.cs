namespace Glance.Policy.Language;

/// <summary>
/// <c>http:</c> and <c>https:</c> checks, which ask a remote server in oslo.policy. The gateway
/// refuses to call out from a policy decision: the check never passes, and loading a rule set
/// that contains one logs it.
/// </summary>
public sealed class UnsupportedCheck(string kind, string match) : Check
{
    /// <summary>The check kind (<c>http</c> or <c>https</c>).</summary>
    public string Kind { get; } = kind ?? throw new ArgumentNullException(nameof(kind));

    /// <summary>The text after the colon.</summary>
    public string Match { get; } = match ?? throw new ArgumentNullException(nameof(match));

    /// <inheritdoc />
    public override bool Evaluate(PolicyCredentials credentials, IPolicyTarget target) => false;

    /// <inheritdoc />
    public override string ToString() => Kind + ":" + Match;
}
