using Glance.Policy.Language;
using Glance.Policy.Rules;

namespace Glance.Policy.Operations;

/// <summary>
/// The caller of a store request: the credentials the policy rules see, the rules in force when
/// the request arrived (read once from the provider, so one request never mixes two rule sets),
/// and Glance's <c>context.is_admin</c> (those rules' <c>context_is_admin</c>).
/// </summary>
public sealed class Caller
{
    public Caller(PolicyCredentials credentials, PolicyRules rules)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(rules);
        Credentials = credentials;
        Rules = rules;
        IsAdmin = rules.IsAdmin(credentials);
    }

    /// <summary>The credentials.</summary>
    public PolicyCredentials Credentials { get; }

    /// <summary>The rule set every decision of this request uses.</summary>
    public PolicyRules Rules { get; }

    /// <summary>The caller's project (Glance's <c>context.owner</c>), null for a system- or domain-scoped token.</summary>
    public string? ProjectId => Credentials.ProjectId;

    /// <summary><c>context.is_admin</c>.</summary>
    public bool IsAdmin { get; }

    /// <summary>
    /// Glance's <c>enforce_secure_rbac</c>: when false, the legacy checks coded in Glance's
    /// controllers (ownership, <c>check_is_image_mutable</c>) apply on top of the policy.
    /// </summary>
    public bool LegacyChecks => !Rules.Mode.EnforceNewDefaults;

    /// <summary>oslo.policy's <c>enforce</c> of a registered rule for this caller.</summary>
    public bool IsAllowed(string rule, IPolicyTarget target) => Rules.IsAllowed(rule, Credentials, target);
}
