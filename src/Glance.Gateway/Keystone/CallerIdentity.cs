using System.Text.Json.Serialization;
using Glance.Policy.Language;

namespace Glance.Gateway.Keystone;

/// <summary>
/// A validated token: who it belongs to and until when. <see cref="ProjectId"/> is null for a
/// system-scoped token.
/// </summary>
public sealed record CallerIdentity(
    string UserId,
    string? UserName,
    string? ProjectId,
    string? ProjectName,
    IReadOnlyList<string> Roles,
    bool SystemScope,
    DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// The access rules of the application credential the token was issued for; null when it has
    /// none (an unrestricted credential, or no credential at all).
    /// </summary>
    public IReadOnlyList<AccessRule>? AccessRules { get; init; }

    /// <summary>The service types of the token's catalog, read only for a token with <see cref="AccessRules"/>.</summary>
    public IReadOnlyList<string>? CatalogServiceTypes { get; init; }

    /// <summary>The roles as keystonemiddleware's <c>X-Roles</c> header carries them (computed once).</summary>
    [JsonIgnore]
    public string RolesHeader { get; } = string.Join(',', Roles);

    /// <summary>The caller as the policy rules see it (computed once; the cache keeps this instance).</summary>
    [JsonIgnore]
    public PolicyCredentials Credentials { get; } = new(UserId, ProjectId, Roles, SystemScope ? "all" : null);
}
