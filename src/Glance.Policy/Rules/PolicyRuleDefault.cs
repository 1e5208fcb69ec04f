namespace Glance.Policy.Rules;

/// <summary>
/// A rule as a service registers it with oslo.policy (<c>RuleDefault</c>): its name, its new
/// default check string, the token scopes it accepts (<c>scope_types</c>; null = any) and the check
/// string of its deprecated rule, which the legacy mode ORs with the new default.
/// </summary>
public sealed record PolicyRuleDefault(string Name, string CheckString, IReadOnlyList<string>? ScopeTypes = null, string? DeprecatedCheckString = null);
