using Glance.Gateway.Keystone;

namespace Glance.Gateway.TokenCache;

/// <summary>The answer of the token cache: the validation outcome and where it came from.</summary>
public readonly record struct TokenLookup(TokenCheckOutcome Outcome, CallerIdentity? Identity, TokenCacheResult Source);
