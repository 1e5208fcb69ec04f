namespace Glance.Gateway.Keystone;

/// <summary>
/// One issued service token. Compared by reference: two issues of the same value (a Keystone that
/// hands out the same token again) are still two tokens, so a 401 renews only the one it rejected.
/// </summary>
public sealed class ServiceToken(string value, DateTimeOffset expiresAt)
{
    /// <summary>The token (X-Subject-Token of the issue). Never logged.</summary>
    public string Value { get; } = value;

    /// <summary>Keystone's expires_at.</summary>
    public DateTimeOffset ExpiresAt { get; } = expiresAt;
}
