namespace Glance.Policy.Language;

/// <summary><c>A or B or ...</c>: passes when any check passes, evaluated left to right.</summary>
public sealed class OrCheck : Check
{
    private readonly List<Check> _checks;

    /// <summary>Creates the disjunction.</summary>
    public OrCheck(params Check[] checks)
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
            if (check.Evaluate(credentials, target))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() => "(" + string.Join(" or ", _checks) + ")";

    internal OrCheck Add(Check check)
    {
        _checks.Add(check);
        return this;
    }

    // oslo.policy's pop_check, for 'A or B and C' (the and binds tighter).
    internal Check PopLast()
    {
        var last = _checks[^1];
        _checks.RemoveAt(_checks.Count - 1);
        return last;
    }
}
