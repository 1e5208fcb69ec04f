namespace Glance.Policy.Language;

/// <summary>
/// One node of a compiled oslo.policy rule (oslo_policy/_checks.py): evaluated against the
/// caller's credentials and the target of the request. <see cref="ToString"/> prints the node as
/// oslo.policy's <c>str()</c> does, so a parsed tree can be compared with oslo.policy's own.
/// Evaluation allocates nothing.
/// </summary>
public abstract class Check
{
    /// <summary>True when the check passes for these credentials and this target.</summary>
    public abstract bool Evaluate(PolicyCredentials credentials, IPolicyTarget target);

    /// <summary>The check as oslo.policy prints it.</summary>
    public abstract override string ToString();
}
