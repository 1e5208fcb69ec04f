namespace Glance.Policy.Language;

/// <summary><c>A or B or ...</c>: passes when any check passes, evaluated left to right.</summary>
public sealed class OrCheck(params Check[] checks) : CompositeCheck("or", checks)
{
    /// <inheritdoc />
    public override bool Evaluate(PolicyCredentials credentials, IPolicyTarget target)
    {
        foreach (var check in Items)
        {
            if (check.Evaluate(credentials, target))
            {
                return true;
            }
        }

        return false;
    }

    internal OrCheck Add(Check check)
    {
        AddCheck(check);
        return this;
    }

    // oslo.policy's pop_check, for 'A or B and C' (the and binds tighter).
    internal Check PopLast() => RemoveLast();
}
