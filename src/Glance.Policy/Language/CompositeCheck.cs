namespace Glance.Policy.Language;

/// <summary>
/// <c>and</c> and <c>or</c>: an ordered list of checks joined by one operator, printed as
/// oslo.policy prints them (<c>(A and B)</c>), and extended in place by the parser as
/// oslo.policy's <c>add_check</c> does.
/// </summary>
public abstract class CompositeCheck : Check
{
    private readonly string _separator;
    private readonly List<Check> _checks;

    /// <summary>Creates the list with its operator.</summary>
    protected CompositeCheck(string keyword, Check[] checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        _separator = " " + keyword + " ";
        _checks = [.. checks];
    }

    /// <summary>The joined checks, in order.</summary>
    public IReadOnlyList<Check> Checks => _checks;

    /// <summary>The list itself, for evaluation without an enumerator allocation.</summary>
    protected List<Check> Items => _checks;

    /// <inheritdoc />
    public override string ToString() => "(" + string.Join(_separator, _checks) + ")";

    internal void AddCheck(Check check) => _checks.Add(check);

    internal Check RemoveLast()
    {
        var last = _checks[^1];
        _checks.RemoveAt(_checks.Count - 1);
        return last;
    }
}
