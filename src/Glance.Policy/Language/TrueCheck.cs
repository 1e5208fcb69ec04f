namespace Glance.Policy.Language;

/// <summary><c>@</c> and the empty check string: always passes.</summary>
public sealed class TrueCheck : Check
{
    /// <summary>The one instance.</summary>
    public static TrueCheck Instance { get; } = new();

    /// <inheritdoc />
    public override bool Evaluate(PolicyCredentials credentials, IPolicyTarget target) => true;

    /// <inheritdoc />
    public override string ToString() => "@";
}
