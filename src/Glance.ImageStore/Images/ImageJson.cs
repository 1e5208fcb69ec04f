using System.Text.Json;

namespace Glance.ImageStore.Images;

/// <summary>
/// Glance's image view (images.py ResponseSerializer._format_image): the extra properties first,
/// then the base attributes in Glance's order, then the links.
/// </summary>
internal static class ImageJson
{
    public static void Write(Utf8JsonWriter writer, ImageRecord image)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in image.Properties)
        {
            writer.WriteString(key, value);
        }

        WriteNullable(writer, "name", image.Name);
        WriteNullable(writer, "disk_format", image.DiskFormat);
        WriteNullable(writer, "container_format", image.ContainerFormat);
        writer.WriteString("visibility", image.Visibility);
        WriteNullable(writer, "size", image.Size);
        WriteNullable(writer, "virtual_size", image.VirtualSize);
        writer.WriteString("status", image.Status);
        WriteNullable(writer, "checksum", image.Checksum);
        writer.WriteBoolean("protected", image.Protected);
        writer.WriteNumber("min_ram", image.MinRam);
        writer.WriteNumber("min_disk", image.MinDisk);
        WriteNullable(writer, "owner", image.Owner);
        writer.WriteBoolean("os_hidden", image.OsHidden);
        WriteNullable(writer, "os_hash_algo", image.OsHashAlgo);
        WriteNullable(writer, "os_hash_value", image.OsHashValue);
        writer.WriteString("id", image.Id);
        writer.WriteString("created_at", image.CreatedAt);
        writer.WriteString("updated_at", image.UpdatedAt);
        writer.WriteStartArray("tags");
        foreach (var tag in image.Tags)
        {
            writer.WriteStringValue(tag);
        }

        writer.WriteEndArray();
        writer.WriteString("self", "/v2/images/" + image.Id);
        writer.WriteString("file", "/v2/images/" + image.Id + "/file");
        writer.WriteString("schema", "/v2/schemas/image");
        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteNumber(name, value.Value);
        }
    }
}
