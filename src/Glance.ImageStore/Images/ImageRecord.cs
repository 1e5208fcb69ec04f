namespace Glance.ImageStore.Images;

/// <summary>An image as stored (one row of <c>images</c>), in Glance's terms.</summary>
internal sealed class ImageRecord
{
    public required string Id { get; init; }
    public string? Name { get; set; }
    public string Status { get; set; } = ImageStatus.Queued;
    public string Visibility { get; set; } = Glance.Policy.Members.ImageVisibility.Shared;
    public string? Owner { get; set; }
    public bool Protected { get; set; }
    public bool OsHidden { get; set; }
    public string? DiskFormat { get; set; }
    public string? ContainerFormat { get; set; }
    public long MinDisk { get; set; }
    public long MinRam { get; set; }
    public long? Size { get; set; }
    public long? VirtualSize { get; set; }
    public string? Checksum { get; set; }
    public string? OsHashAlgo { get; set; }
    public string? OsHashValue { get; set; }
    public List<string> Tags { get; set; } = [];

    /// <summary>Extra (string) properties, in the order they were added.</summary>
    public List<KeyValuePair<string, string>> Properties { get; set; } = [];
    public required string CreatedAt { get; init; }
    public required string UpdatedAt { get; set; }

    /// <summary>True when the caller's project is in the member list (read with the image).</summary>
    public bool CallerIsMember { get; init; }

    /// <summary>What Glance's checks and policy target read of this image.</summary>
    public Glance.Policy.Members.ImageFacts ToFacts() => new(Id, Visibility, Owner)
    {
        Status = Status,
        Name = Name,
        Protected = Protected,
        OsHidden = OsHidden,
        MinDisk = MinDisk,
        MinRam = MinRam,
        DiskFormat = DiskFormat,
        ContainerFormat = ContainerFormat,
        Size = Size,
        VirtualSize = VirtualSize,
        Checksum = Checksum,
        OsHashAlgo = OsHashAlgo,
        OsHashValue = OsHashValue,
        Properties = Properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
    };
}
