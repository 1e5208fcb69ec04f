namespace Glance.Policy.Members;

/// <summary>
/// What Glance's checks and policy target read of an image that exists and is not deleted (a
/// missing or deleted image is passed as <c>null</c>). The optional attributes are those a policy
/// rule may name through <c>%(key)s</c>; <see cref="Properties"/> are the image's custom properties.
/// </summary>
/// <param name="Id">The image id exactly as stored.</param>
/// <param name="Visibility">public, community, shared or private.</param>
/// <param name="Owner">The owning project, or null for an image with no owner.</param>
public sealed record ImageFacts(string Id, string Visibility, string? Owner)
{
    /// <summary>The image status (queued, active, ...).</summary>
    public string Status { get; init; } = "active";

    /// <summary>The name, or null.</summary>
    public string? Name { get; init; }

    /// <summary><c>protected</c>.</summary>
    public bool Protected { get; init; }

    /// <summary><c>os_hidden</c>.</summary>
    public bool OsHidden { get; init; }

    /// <summary><c>min_disk</c>.</summary>
    public long MinDisk { get; init; }

    /// <summary><c>min_ram</c>.</summary>
    public long MinRam { get; init; }

    /// <summary><c>disk_format</c>, or null.</summary>
    public string? DiskFormat { get; init; }

    /// <summary><c>container_format</c>, or null.</summary>
    public string? ContainerFormat { get; init; }

    /// <summary><c>size</c>, or null.</summary>
    public long? Size { get; init; }

    /// <summary><c>virtual_size</c>, or null.</summary>
    public long? VirtualSize { get; init; }

    /// <summary><c>checksum</c>, or null.</summary>
    public string? Checksum { get; init; }

    /// <summary><c>os_hash_algo</c>, or null.</summary>
    public string? OsHashAlgo { get; init; }

    /// <summary><c>os_hash_value</c>, or null.</summary>
    public string? OsHashValue { get; init; }

    /// <summary>The custom properties, values as Python's <c>str()</c> of them; null when not read.</summary>
    public IReadOnlyDictionary<string, string>? Properties { get; init; }

    /// <summary>True when the visibility is <c>shared</c>.</summary>
    public bool IsShared => Visibility == ImageVisibility.Shared;

    /// <summary>
    /// Glance's database filter <c>Image.owner == context.owner</c>: SQLAlchemy writes a None
    /// operand as <c>IS NULL</c>, so a caller with no project matches an image with no owner.
    /// </summary>
    public bool IsOwnedBy(string? project) => string.Equals(Owner, project, StringComparison.Ordinal);
}
