using Glance.Policy.Language;

namespace Glance.Policy.Rules;

/// <summary>One <see cref="PolicyRules.IsAllowed"/> asked of observed rules: the rule, what it was asked for, and its answer.</summary>
/// <param name="Rule">The registered rule.</param>
/// <param name="Credentials">The caller's credentials.</param>
/// <param name="Target">The target the decision built for the rule.</param>
/// <param name="Allowed">What the rule answered.</param>
public sealed record PolicyQuery(string Rule, PolicyCredentials Credentials, IPolicyTarget Target, bool Allowed);
