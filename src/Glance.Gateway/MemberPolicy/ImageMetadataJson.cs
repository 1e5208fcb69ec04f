using System.Text.Json.Serialization;

namespace Glance.Gateway.MemberPolicy;

/// <summary>The fields of a Glance image document the pre-check reads.</summary>
public sealed class ImageDocument
{
    /// <summary>The image id.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    /// <summary>public, community, shared or private.</summary>
    [JsonPropertyName("visibility")]
    public string? Visibility { get; set; }

    /// <summary>The owning project, or null.</summary>
    [JsonPropertyName("owner")]
    public string? Owner { get; set; }

    /// <summary>The image status (a deleted image is treated as missing).</summary>
    [JsonPropertyName("status")]
    public string? Status { get; set; }
}

/// <summary>One member record (only its project id is read).</summary>
public sealed class MemberDocument
{
    /// <summary>The member's project id.</summary>
    [JsonPropertyName("member_id")]
    public string? MemberId { get; set; }
}

/// <summary>Source-generated JSON for the metadata reads.</summary>
[JsonSerializable(typeof(ImageDocument))]
[JsonSerializable(typeof(MemberDocument))]
public sealed partial class ImageMetadataJsonContext : JsonSerializerContext;
