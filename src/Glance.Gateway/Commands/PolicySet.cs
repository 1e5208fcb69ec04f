using Glance.Policy.Rules;

namespace Glance.Gateway.Commands;

/// <summary>One rule set a command decides with: <c>live</c> or <c>candidate</c>, the compiled rules and the file they came from.</summary>
/// <param name="Name">live or candidate.</param>
/// <param name="Rules">The compiled rules (the mode's defaults with the file over them).</param>
internal sealed record PolicySet(string Name, PolicyRules Rules)
{
    /// <summary>One line: name, mode and file.</summary>
    public string Title => $"{Name} ({Rules.Mode}, {Rules.Source ?? "Glance's defaults"})";
}
