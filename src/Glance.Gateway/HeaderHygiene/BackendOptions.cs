using Glance.Gateway.Keystone;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.HeaderHygiene;

/// <summary>How identity reaches the backend.</summary>
public enum BackendIdentity
{
    /// <summary>keystonemiddleware's trusted headers (the hosted store).</summary>
    Headers,

    /// <summary>The caller's own X-Auth-Token (a real Glance behind its own keystonemiddleware).</summary>
    Token,
}

/// <summary>The backend the gateway forwards to (section <c>Backend</c>).</summary>
public sealed class BackendOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Backend";

    /// <summary>Headers (default) or Token.</summary>
    public BackendIdentity Identity { get; set; } = BackendIdentity.Headers;

    /// <summary>The user id of the gateway's own metadata reads in Headers mode. Default glance-gateway.</summary>
    public string ServiceUserId { get; set; } = "glance-gateway";

    /// <summary>The project id of the gateway's own metadata reads in Headers mode. Default service.</summary>
    public string ServiceProjectId { get; set; } = "service";

    /// <summary>Timeout of one metadata read toward the backend, in seconds. Default 10.</summary>
    public double MetadataTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Seconds the pre-check remembers an image's visibility and owner (never its members); writes
    /// through the gateway forget it at once. 0 reads the image for every decision. Default 2.
    /// </summary>
    public double MetadataCacheSeconds { get; set; } = 2;
}

/// <summary>Start-up validation of <see cref="BackendOptions"/>.</summary>
public sealed class BackendOptionsValidator(IOptions<KeystoneOptions> keystone) : IValidateOptions<BackendOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Identity))
        {
            return ValidateOptionsResult.Fail("Backend:Identity must be Headers or Token.");
        }

        if (options.Identity == BackendIdentity.Token && !keystone.Value.UsesKeystone)
        {
            return ValidateOptionsResult.Fail("Backend:Identity=Token needs Keystone:Url (the backend validates the tokens itself).");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceUserId) || string.IsNullOrWhiteSpace(options.ServiceProjectId))
        {
            return ValidateOptionsResult.Fail("Backend:ServiceUserId and Backend:ServiceProjectId must not be empty.");
        }

        if (options.MetadataCacheSeconds is < 0 or > 60)
        {
            return ValidateOptionsResult.Fail($"Backend:MetadataCacheSeconds must be between 0 and 60 (got {options.MetadataCacheSeconds}).");
        }

        return options.MetadataTimeoutSeconds is < 0.1 or > 300
            ? ValidateOptionsResult.Fail($"Backend:MetadataTimeoutSeconds must be between 0.1 and 300 (got {options.MetadataTimeoutSeconds}).")
            : ValidateOptionsResult.Success;
    }
}
