namespace Glance.Policy.Language;

/// <summary><c>!</c>, and what an unparsable check string becomes: never passes.</summary>
public sealed class FalseCheck : Check
{
    /// <summary>The one instance.</summary>
    public static FalseCheck Instance { get; } = new();

    /// <inheritdoc />
    public override bool Evaluate(PolicyCredentials credentials, IPolicyTarget target) => false;

    /// <inheritdoc />
    public override string ToString() => "!";
}
