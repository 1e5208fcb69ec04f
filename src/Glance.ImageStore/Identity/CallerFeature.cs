namespace Glance.ImageStore.Identity;

/// <summary>The authenticated caller of a request, set by <see cref="TrustedIdentityMiddleware"/>.</summary>
internal sealed class CallerFeature(Caller caller, string? userId)
{
    /// <summary>The caller as the policy code sees it.</summary>
    public Caller Caller { get; } = caller;

    /// <summary>The user id, when the headers named one.</summary>
    public string? UserId { get; } = userId;
}
