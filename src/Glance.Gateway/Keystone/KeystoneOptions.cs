using Microsoft.Extensions.Options;

namespace Glance.Gateway.Keystone;

/// <summary>Keystone v3 token validation and the token cache (section <c>Keystone</c>).</summary>
public sealed class KeystoneOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Keystone";

    /// <summary>Keystone's URL (with or without <c>/v3</c>). Unset: development tokens from <c>config/dev-tokens.json</c>.</summary>
    public string? Url { get; set; }

    /// <summary>The identity URI named in 401 challenges. Default: <see cref="Url"/> (dev tokens: http://127.0.0.1:5000/v3).</summary>
    public string? PublicUri { get; set; }

    /// <summary>The gateway's service user (password authentication).</summary>
    public string? Username { get; set; }

    /// <summary>The service user's password. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>The project the service token is scoped to.</summary>
    public string? ProjectName { get; set; }

    /// <summary>The service user's domain id. Default <c>default</c>.</summary>
    public string UserDomainId { get; set; } = "default";

    /// <summary>The service project's domain id. Default <c>default</c>.</summary>
    public string ProjectDomainId { get; set; } = "default";

    /// <summary>How long a validation is cached, at most (never past the token's expires_at). Default 300.</summary>
    public int TokenCacheSeconds { get; set; } = 300;

    /// <summary>Optional secret (16+ characters) that MAC-protects cache entries; a tampered entry is a miss.</summary>
    public string? CacheSecret { get; set; }

    /// <summary>The prefix of cache keys (the rest is the SHA-256 of the token). Default <c>glance-gateway:token:</c>.</summary>
    public string CacheKeyPrefix { get; set; } = "glance-gateway:token:";

    /// <summary>Timeout of one call to Keystone, in seconds. Default 5.</summary>
    public double TimeoutSeconds { get; set; } = 5;

    /// <summary>Tokens longer than this are refused with 401 without asking Keystone. Default 8192.</summary>
    public int MaxTokenLength { get; set; } = 8192;

    /// <summary>
    /// Megabytes of validations the in-process cache level (L1) may hold, counted as what they
    /// take on the heap (about 1.2 KB each, some 3,400 validations by default); when it is full,
    /// the least recently used are compacted away and Redis still has them. Default 4.
    /// </summary>
    public int LocalCacheMegabytes { get; set; } = 4;

    /// <summary>The development tokens file, in the config folder. Default <c>dev-tokens.json</c>.</summary>
    public string DevTokensFile { get; set; } = "dev-tokens.json";

    /// <summary>
    /// keystonemiddleware's <c>service_token_roles</c>, comma-separated: an <c>X-Service-Token</c>
    /// with one of these roles lets the user's token be validated with <c>allow_expired</c>.
    /// Default <c>service</c>.
    /// </summary>
    public string ServiceTokenRoles { get; set; } = "service";

    /// <summary>
    /// keystonemiddleware's <c>service_token_roles_required</c>: a service token without one of
    /// <see cref="ServiceTokenRoles"/> is refused (401). Default true (keystonemiddleware 13's).
    /// </summary>
    public bool ServiceTokenRolesRequired { get; set; } = true;

    /// <summary>
    /// keystonemiddleware's <c>service_type</c>: the catalog type the gateway's service has, which
    /// application-credential access rules name. Empty: tokens with access rules are refused. Default <c>image</c>.
    /// </summary>
    public string ServiceType { get; set; } = "image";

    /// <summary>The roles of <see cref="ServiceTokenRoles"/>, split.</summary>
    public IReadOnlySet<string> ServiceTokenRoleSet() =>
        ServiceTokenRoles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when tokens are validated by Keystone (rather than the development file).</summary>
    public bool UsesKeystone => !string.IsNullOrWhiteSpace(Url);

    /// <summary>The URI of the 401 challenge.</summary>
    public string ChallengeUri => PublicUri ?? Url ?? "http://127.0.0.1:5000/v3";
}

/// <summary>Start-up validation of <see cref="KeystoneOptions"/>: one clear line per wrong setting.</summary>
public sealed class KeystoneOptionsValidator : IValidateOptions<KeystoneOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, KeystoneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.UsesKeystone)
        {
            if (!IsHttpUri(options.Url))
            {
                failures.Add($"Keystone:Url must be an absolute http or https URI (got '{options.Url}').");
            }

            if (string.IsNullOrWhiteSpace(options.Username) || string.IsNullOrWhiteSpace(options.Password) || string.IsNullOrWhiteSpace(options.ProjectName))
            {
                failures.Add("Keystone:Username, Keystone:Password and Keystone:ProjectName are required when Keystone:Url is set.");
            }
        }

        if (options.PublicUri is not null && !IsHttpUri(options.PublicUri))
        {
            failures.Add($"Keystone:PublicUri must be an absolute http or https URI (got '{options.PublicUri}').");
        }

        if (options.TokenCacheSeconds is < 1 or > 86400)
        {
            failures.Add($"Keystone:TokenCacheSeconds must be between 1 and 86400 (got {options.TokenCacheSeconds}).");
        }

        if (options.CacheSecret is not null && options.CacheSecret.Length < 16)
        {
            failures.Add("Keystone:CacheSecret must be at least 16 characters long.");
        }

        if (options.TimeoutSeconds is < 0.1 or > 300)
        {
            failures.Add($"Keystone:TimeoutSeconds must be between 0.1 and 300 (got {options.TimeoutSeconds}).");
        }

        if (options.MaxTokenLength is < 64 or > 65536)
        {
            failures.Add($"Keystone:MaxTokenLength must be between 64 and 65536 (got {options.MaxTokenLength}).");
        }

        if (options.LocalCacheMegabytes is < 1 or > 4096)
        {
            failures.Add($"Keystone:LocalCacheMegabytes must be between 1 and 4096 (got {options.LocalCacheMegabytes}).");
        }

        if (string.IsNullOrWhiteSpace(options.CacheKeyPrefix))
        {
            failures.Add("Keystone:CacheKeyPrefix must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUri(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
