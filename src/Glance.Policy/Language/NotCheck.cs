namespace Glance.Policy.Language;

/// <summary><c>not X</c>.</summary>
public sealed class NotCheck(Check inner) : Check
{
    /// <summary>The negated check.</summary>
    public Check Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public override bool Evaluate(PolicyCredentials credentials, IPolicyTarget target) => !Inner.Evaluate(credentials, target);

    /// <inheritdoc />
    public override string ToString() => "not " + Inner;
}
