using System.Text.Json;

namespace Glance.ImageStore.Images;

/// <summary>
/// Applies a parsed JSON-patch change (<see cref="ImagePatch.Change"/>) to an
/// <see cref="ImageRecord"/> as ImagesController _do_add/_do_replace/_do_remove do after their
/// policy checks; returns the refusal instead of throwing. Who may apply a change is not decided
/// here: the endpoint asks before each change, in Glance's order.
/// </summary>
internal static class ImagePatchApply
{
    /// <summary>Applies one parsed change; returns the refusal, or null when it applied.</summary>
    public static Refusal? Apply(ImageRecord image, ImagePatch.Change change)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(change);
        return change.Op == "remove" ? Remove(image, change.Path) : Set(image, change);
    }

    private static Refusal? Set(ImageRecord image, ImagePatch.Change change)
    {
        var value = change.Value;
        switch (change.Path)
        {
            case "name": image.Name = value.ValueKind == JsonValueKind.Null ? null : value.GetString(); break;
            case "visibility": image.Visibility = value.GetString()!; break;
            case "protected": image.Protected = value.GetBoolean(); break;
            case "os_hidden": image.OsHidden = value.GetBoolean(); break;
            case "min_ram": image.MinRam = value.GetInt64(); break;
            case "min_disk": image.MinDisk = value.GetInt64(); break;
            case "disk_format": image.DiskFormat = value.ValueKind == JsonValueKind.Null ? null : value.GetString(); break;
            case "container_format": image.ContainerFormat = value.ValueKind == JsonValueKind.Null ? null : value.GetString(); break;
            case "tags" when value.GetArrayLength() > ImageTagsEndpoints.TagQuota:
                // The quota proxy's _enforce_image_tag_quota on the list as given (duplicates count).
                return new(413, $"The limit has been exceeded on the number of allowed image tags. Attempted: {value.GetArrayLength()}, Maximum: {ImageTagsEndpoints.TagQuota}");
            case "tags": image.Tags = [.. value.EnumerateArray().Select(t => t.GetString()!).Distinct(StringComparer.Ordinal)]; break;
            case "owner": image.Owner = value.ValueKind == JsonValueKind.Null ? null : value.GetString(); break;
            case "locations":
                // show_multiple_locations is off: _do_replace_locations / _do_add_locations refuse.
                return new(403, $"It's not allowed to {(change.Op == "replace" ? "update" : "add")} locations if locations are invisible.");
            default:
                var index = image.Properties.FindIndex(p => p.Key == change.Path);
                if (change.Op == "replace" && index < 0)
                {
                    return Refusal.WithDetail(409, $"Property {change.Path} does not exist.");
                }

                if (change.Path.Length > 255)
                {
                    return new(400, "Custom property should not be greater than 255 characters.");
                }

                var property = new KeyValuePair<string, string>(change.Path, value.GetString()!);
                if (index < 0)
                {
                    image.Properties.Add(property);
                }
                else
                {
                    image.Properties[index] = property;
                }

                break;
        }

        return null;
    }

    private static Refusal? Remove(ImageRecord image, string path)
    {
        if (ImageSchemaRules.Base.Contains(path))
        {
            return Refusal.WithDetail(403, $"Property {path} may not be removed.");
        }

        var index = image.Properties.FindIndex(p => p.Key == path);
        if (index < 0)
        {
            return Refusal.WithDetail(409, $"Property {path} does not exist.");
        }

        image.Properties.RemoveAt(index);
        return null;
    }
}
