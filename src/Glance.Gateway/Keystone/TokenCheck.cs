namespace Glance.Gateway.Keystone;

/// <summary>What a token validator answered.</summary>
public enum TokenCheckOutcome
{
    /// <summary>The token is valid; the identity is known.</summary>
    Valid,

    /// <summary>Unknown, expired or malformed token: 401.</summary>
    Rejected,

    /// <summary>The validator could not be asked (Keystone down, slow or answering garbage): 503.</summary>
    Unavailable,
}

/// <summary>The outcome of validating one token, with the identity when valid.</summary>
public readonly record struct TokenCheck(TokenCheckOutcome Outcome, CallerIdentity? Identity)
{
    /// <summary>A rejected token.</summary>
    public static TokenCheck Rejected => new(TokenCheckOutcome.Rejected, null);

    /// <summary>The validator could not be reached.</summary>
    public static TokenCheck Unavailable => new(TokenCheckOutcome.Unavailable, null);

    /// <summary>A valid token.</summary>
    public static TokenCheck Valid(CallerIdentity identity) => new(TokenCheckOutcome.Valid, identity);
}

/// <summary>Validates a caller's token (Keystone, or the development tokens file).</summary>
public interface ITokenValidator
{
    /// <summary>
    /// Validates <paramref name="token"/>; never throws for an unreachable validator. With
    /// <paramref name="allowExpired"/> (a valid service token took part) a token that expired
    /// within Keystone's <c>allow_expired_window</c> is valid.
    /// </summary>
    ValueTask<TokenCheck> ValidateAsync(string token, bool allowExpired, CancellationToken cancellationToken);
}
