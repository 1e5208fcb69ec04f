namespace Glance.Policy.Language;

/// <summary>
/// A parsed check string: the check tree to evaluate and the problems found. An unparsable check
/// string gives <see cref="FalseCheck"/> (oslo.policy fails that one rule closed).
/// </summary>
/// <param name="Root">The tree to evaluate.</param>
/// <param name="Errors">What the parser found wrong, in order; empty for a clean rule.</param>
/// <param name="OsloText">
/// What oslo.policy's <c>str(parse_rule(...))</c> prints for the same input: the tree's text, or,
/// where oslo.policy returns a bare token instead of a check (<c>'quoted'</c>, <c>and</c>), that token.
/// </param>
public sealed record ParsedRule(Check Root, IReadOnlyList<PolicyParseError> Errors, string OsloText)
{
    /// <summary>True when the whole rule was refused.</summary>
    public bool IsRefused => Errors.Any(e => e.DeniesRule);
}
