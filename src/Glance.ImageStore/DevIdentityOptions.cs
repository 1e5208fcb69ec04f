namespace Glance.ImageStore;

/// <summary>
/// The fixed identity the store assumes for a token-bearing request when
/// <see cref="ImageStoreOptions.DevIdentity"/> is enabled (development and CLI tests only).
/// </summary>
public sealed class DevIdentityOptions
{
    /// <summary>Turns the mapping on. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The user id assumed. Default <c>dev-user</c>.</summary>
    public string UserId { get; set; } = "dev-user";

    /// <summary>The project id assumed. Default <c>dev-project</c>.</summary>
    public string ProjectId { get; set; } = "dev-project";

    /// <summary>The roles assumed, comma-separated as in <c>X-Roles</c>. Default <c>admin</c>.</summary>
    public string Roles { get; set; } = "admin";
}
