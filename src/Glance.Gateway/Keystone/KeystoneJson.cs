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
