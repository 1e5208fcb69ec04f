namespace Glance.Policy.Language;

/// <summary>A problem in a check string: where (1-based character position) and what.</summary>
/// <param name="Position">The 1-based position of the offending token in the check string.</param>
/// <param name="Message">What is wrong, for the operator.</param>
/// <param name="DeniesRule">True when the whole rule was refused (it became <c>!</c>); false for a part that never passes.</param>
public sealed record PolicyParseError(int Position, string Message, bool DeniesRule);
