namespace Glance.Policy.Language;

/// <summary><c>A and B and ...</c>: passes when every check passes, evaluated left to right.</summary>
public sealed class AndCheck : Check
{
    private readonly List<Check> _checks;

    /// <summary>Creates the conjunction.</summary>
    public AndCheck(params Check[] checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        _checks = [.. checks];
    }

    /// <summary>The joined checks, in order.</summary>
    public IReadOnlyList<Check> Checks => _checks;

    /// <inheritdoc />
    public override bool Evaluate(PolicyCredentials credentials, IPolicyTarget target)
    {
        foreach (var check in _checks)
        {
            if (!check.Evaluate(credentials, target))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => "(" + string.Join(" and ", _checks) + ")";

    // The parser extends an expression in place, as oslo.policy's add_check does.
    internal AndCheck Add(Check check)
    {
        _checks.Add(check);
        return this;
    }
}
