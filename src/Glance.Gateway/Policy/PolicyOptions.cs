using System.ComponentModel.DataAnnotations;

namespace Glance.Gateway.Policy;

/// <summary>
/// Glance's policy switches and the operator's file, section <c>Policy</c>. Give the gateway the
/// same values as the Glance it stands for (hosted store or real Glance behind it).
/// </summary>
public sealed class PolicyOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Policy";

    /// <summary>
    /// Glance's <c>[DEFAULT] enforce_secure_rbac</c> and oslo.policy's <c>[oslo_policy]
    /// enforce_new_defaults</c> at once (Glance requires them equal): true = only the new defaults,
    /// and no legacy ownership checks. Default false (Glance 25 as packaged).
    /// </summary>
    public bool EnforceNewDefaults { get; set; }

    /// <summary>oslo.policy's <c>[oslo_policy] enforce_scope</c>. Default false.</summary>
    public bool EnforceScope { get; set; }

    /// <summary>
    /// The operator's policy file, YAML or JSON, relative to the config folder unless absolute.
    /// Default <c>policy.yaml</c>; no such file = Glance's defaults alone. Reloaded on change.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string File { get; set; } = "policy.yaml";

    /// <summary>
    /// A candidate policy evaluated beside the live one on every edge decision, never deciding
    /// (section <c>Policy:Candidate</c>); no file = no candidate.
    /// </summary>
    public CandidatePolicyOptions Candidate { get; set; } = new();
}

/// <summary>
/// The candidate policy, section <c>Policy:Candidate</c>: its own file and switches, so that an
/// operator can preview a file edit or the switch to secure RBAC (both switches true) before it
/// decides. Reloaded on change like the live file.
/// </summary>
public sealed class CandidatePolicyOptions
{
    /// <summary>The candidate's policy file, relative to the config folder unless absolute; empty = no candidate.</summary>
    public string? File { get; set; }

    /// <summary>The candidate's <c>enforce_new_defaults</c> (and <c>enforce_secure_rbac</c>).</summary>
    public bool EnforceNewDefaults { get; set; }

    /// <summary>The candidate's <c>enforce_scope</c>.</summary>
    public bool EnforceScope { get; set; }
}
