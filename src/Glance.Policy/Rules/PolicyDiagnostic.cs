namespace Glance.Policy.Rules;

/// <summary>Something about a rule set that an operator should hear of when it loads.</summary>
/// <param name="Rule">The rule concerned.</param>
/// <param name="Message">What, with the position in the check string where there is one.</param>
/// <param name="IsError">True when the rule cannot work as written (refused or partly never passing).</param>
public sealed record PolicyDiagnostic(string Rule, string Message, bool IsError);
