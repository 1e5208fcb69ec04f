namespace Glance.Policy.Rules;

/// <summary>
/// The two switches of Glance's policy. <see cref="EnforceNewDefaults"/> is both oslo.policy's
/// <c>enforce_new_defaults</c> and Glance's <c>enforce_secure_rbac</c> (Glance refuses to start
/// unless they are equal): on, only the new defaults apply and Glance skips its legacy ownership
/// checks. <see cref="EnforceScope"/> is oslo.policy's <c>enforce_scope</c>: on, a token whose
/// scope is not in the enforced rule's <c>scope_types</c> fails that rule.
/// </summary>
public sealed record PolicyMode(bool EnforceNewDefaults, bool EnforceScope)
{
    /// <summary>Glance 25 (Zed) as packaged: both off.</summary>
    public static PolicyMode Legacy { get; } = new(false, false);

    /// <summary>oslo.policy 4.4 and later (OpenStack 2024.2) by default: both on.</summary>
    public static PolicyMode Secure { get; } = new(true, true);

    /// <summary>How audit events and logs name the mode.</summary>
    public override string ToString() => (EnforceNewDefaults, EnforceScope) switch
    {
        (false, false) => "legacy",
        (true, true) => "secure",
        (true, false) => "new-defaults",
        _ => "legacy+scope",
    };
}
