namespace Glance.Policy.Language;

/// <summary><c>A and B and ...</c>: passes when every check passes, evaluated left to right.</summary>
public sealed class AndCheck(params Check[] checks) : CompositeCheck("and", checks)
{
    /// <inheritdoc />
    public override bool Evaluate(PolicyCredentials credentials, IPolicyTarget target)
    {
        foreach (var check in Items)
        {
            if (!check.Evaluate(credentials, target))
            {
                return false;
            }
        }

        return true;
    }

    // The parser extends an expression in place, as oslo.policy's add_check does.
    internal AndCheck Add(Check check)
    {
        AddCheck(check);
        return this;
    }
}
