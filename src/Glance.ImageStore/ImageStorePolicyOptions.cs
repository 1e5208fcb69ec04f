namespace Glance.ImageStore;

/// <summary>
/// How the standalone store decides Glance's policy (section <c>ImageStore:Policy</c>). When the
/// gateway hosts the store it passes its own rules and these settings are not used.
/// </summary>
public sealed class ImageStorePolicyOptions
{
    /// <summary>
    /// Glance's <c>[DEFAULT] enforce_secure_rbac</c> and <c>[oslo_policy] enforce_new_defaults</c>
    /// in one (Glance refuses to start unless they are equal): only the new default rules apply, and
    /// the legacy ownership checks coded in Glance's controllers are skipped. Default false (Glance 25 as packaged).
    /// </summary>
    public bool EnforceNewDefaults { get; set; }

    /// <summary>
    /// oslo.policy's <c>enforce_scope</c>: a token whose scope is not among the enforced rule's
    /// <c>scope_types</c> (every image rule: <c>project</c>) fails that rule. Default false.
    /// </summary>
    public bool EnforceScope { get; set; }

    /// <summary>
    /// An operator's <c>policy.yaml</c> or <c>policy.json</c>, read once at start: each rule it names
    /// replaces Glance's default for that rule. Null or empty: the defaults alone. A file that cannot
    /// be read, or is neither JSON nor YAML, or is not a mapping, stops the store at start; a single
    /// rule that cannot be parsed is logged and denies, as in oslo.policy.
    /// </summary>
    public string? File { get; set; }
}
