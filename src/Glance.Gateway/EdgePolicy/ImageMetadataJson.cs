using System.Text.Json.Serialization;

namespace Glance.Gateway.EdgePolicy;

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

    /// <summary>The name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary><c>protected</c>.</summary>
    [JsonPropertyName("protected")]
    public bool Protected { get; set; }

    /// <summary><c>os_hidden</c>.</summary>
    [JsonPropertyName("os_hidden")]
    public bool OsHidden { get; set; }

    /// <summary><c>min_disk</c>.</summary>
    [JsonPropertyName("min_disk")]
    public long? MinDisk { get; set; }

    /// <summary><c>min_ram</c>.</summary>
    [JsonPropertyName("min_ram")]
    public long? MinRam { get; set; }

    /// <summary><c>disk_format</c>.</summary>
    [JsonPropertyName("disk_format")]
    public string? DiskFormat { get; set; }

    /// <summary><c>container_format</c>.</summary>
    [JsonPropertyName("container_format")]
    public string? ContainerFormat { get; set; }

    /// <summary><c>size</c>.</summary>
    [JsonPropertyName("size")]
    public long? Size { get; set; }

    /// <summary><c>virtual_size</c>.</summary>
    [JsonPropertyName("virtual_size")]
    public long? VirtualSize { get; set; }

    /// <summary><c>checksum</c>.</summary>
    [JsonPropertyName("checksum")]
    public string? Checksum { get; set; }

    /// <summary><c>os_hash_algo</c>.</summary>
    [JsonPropertyName("os_hash_algo")]
    public string? OsHashAlgo { get; set; }

    /// <summary><c>os_hash_value</c>.</summary>
    [JsonPropertyName("os_hash_value")]
    public string? OsHashValue { get; set; }

    /// <summary>Every other member of the document: Glance puts an image's custom properties at the top level.</summary>
    [JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Extra { get; set; }
}

/// <summary>One member record (only its project id is read).</summary>
public sealed class MemberDocument
{
    /// <summary>The member's project id.</summary>
    [JsonPropertyName("member_id")]
    public string? MemberId { get; set; }
}

/// <summary>The fields of a Glance metadef namespace document an edge decision reads.</summary>
public sealed class NamespaceDocument
{
    /// <summary>The namespace's name.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    /// <summary>The owning project.</summary>
    [JsonPropertyName("owner")]
    public string? Owner { get; set; }

    /// <summary>public or private.</summary>
    [JsonPropertyName("visibility")]
    public string? Visibility { get; set; }

    /// <summary><c>protected</c>.</summary>
    [JsonPropertyName("protected")]
    public bool? Protected { get; set; }
}

/// <summary>Source-generated JSON for the metadata reads.</summary>
[JsonSerializable(typeof(NamespaceDocument))]
[JsonSerializable(typeof(ImageDocument))]
[JsonSerializable(typeof(MemberDocument))]
public sealed partial class ImageMetadataJsonContext : JsonSerializerContext;
