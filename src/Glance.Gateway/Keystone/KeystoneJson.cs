using System.Text.Json;
using System.Text.Json.Serialization;

namespace Glance.Gateway.Keystone;

/// <summary>The fields of Keystone's token document the gateway reads (nothing else is bound).</summary>
public sealed class KeystoneTokenEnvelope
{
    /// <summary>The token.</summary>
    [JsonPropertyName("token")]
    public KeystoneToken? Token { get; set; }
}

/// <summary>A Keystone v3 token body.</summary>
public sealed class KeystoneToken
{
    /// <summary>When the token expires.</summary>
    [JsonPropertyName("expires_at")]
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The user.</summary>
    [JsonPropertyName("user")]
    public KeystoneReference? User { get; set; }

    /// <summary>The project scope, absent for system scope.</summary>
    [JsonPropertyName("project")]
    public KeystoneReference? Project { get; set; }

    /// <summary>The roles.</summary>
    [JsonPropertyName("roles")]
    public IList<KeystoneReference>? Roles { get; init; }

    /// <summary>The system scope (<c>{"all": true}</c>), absent for project scope.</summary>
    [JsonPropertyName("system")]
    public JsonElement? System { get; set; }

    /// <summary>The application credential the token was issued for, if any.</summary>
    [JsonPropertyName("application_credential")]
    public KeystoneApplicationCredential? ApplicationCredential { get; set; }

    /// <summary>The service catalog (absent when validated with <c>nocatalog</c>): only the service types are read.</summary>
    [JsonPropertyName("catalog")]
    public IList<KeystoneCatalogEntry>? Catalog { get; init; }
}

/// <summary>A token's application credential.</summary>
public sealed class KeystoneApplicationCredential
{
    /// <summary>The access rules; null or absent when the credential is not restricted.</summary>
    [JsonPropertyName("access_rules")]
    public IList<AccessRule>? AccessRules { get; init; }
}

/// <summary>One service of a token's catalog.</summary>
public sealed class KeystoneCatalogEntry
{
    /// <summary>The service type (image, compute, ...).</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }
}

/// <summary>An id and a name.</summary>
public sealed class KeystoneReference
{
    /// <summary>The id.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    /// <summary>The name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

/// <summary>Source-generated JSON for Keystone's documents.</summary>
[JsonSerializable(typeof(KeystoneTokenEnvelope))]
public sealed partial class KeystoneJsonContext : JsonSerializerContext;
