using Glance.Policy.Operations;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// The <c>EdgePolicy</c> section: the mode of each operation the edge decides
/// (<c>EdgePolicy:Operations:&lt;operation&gt;</c> = <c>Enforce</c>, <c>Shadow</c> or <c>Off</c>),
/// reloaded with the rest of the configuration. An operation not named runs in its default mode
/// (<see cref="EdgeOperation.DefaultMode"/>).
/// </summary>
public sealed class EdgePolicyOptions
{
    /// <summary>The section name.</summary>
    public const string SectionName = "EdgePolicy";

    /// <summary>The operators' modes, by operation name.</summary>
    public Dictionary<string, EdgeMode> Operations { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The mode of <paramref name="operation"/>.</summary>
    public EdgeMode ModeOf(EdgeOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        foreach (var (name, mode) in Operations)
        {
            if (string.Equals(name, operation.Name, StringComparison.OrdinalIgnoreCase))
            {
                return mode;
            }
        }

        return operation.DefaultMode;
    }
}

/// <summary>Refuses a mode for an operation the edge does not know (a typo would silently leave it enforced).</summary>
public sealed class EdgePolicyOptionsValidator : IValidateOptions<EdgePolicyOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EdgePolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var unknown = options.Operations.Keys.Where(key => !EdgeOperations.All.Any(op => string.Equals(op.Name, key, StringComparison.OrdinalIgnoreCase))).ToList();
        return unknown.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{EdgePolicyOptions.SectionName}:Operations names operations the edge does not decide: {string.Join(", ", unknown)} "
                + $"(known: {string.Join(", ", EdgeOperations.All.Select(op => op.Name))}).");
    }
}
