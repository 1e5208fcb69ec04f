using System.Text.Json;
using Glance.Gateway.EdgePolicy;
using Glance.Policy.Members;
using Glance.Policy.Operations;

namespace Glance.Gateway.Commands;

/// <summary>
/// The facts the policy commands decide over, read from JSON as the edge reads them from Glance:
/// an image as Glance's image body (<see cref="ImageDocument"/>, custom properties at the top
/// level; <c>null</c> for an image that does not exist), with one key of the commands' own,
/// <c>members</c>: the projects the image is shared with (what the edge would read of its member
/// list); a metadef namespace as Glance's namespace body.
/// </summary>
internal static class FactsFile
{
    /// <summary>The image and its member projects, or (null, []) for <c>null</c>.</summary>
    public static (ImageFacts? Image, IReadOnlyList<string> Members) Image(JsonElement image, string where)
    {
        if (image.ValueKind == JsonValueKind.Null)
        {
            return (null, []);
        }

        if (image.ValueKind != JsonValueKind.Object)
        {
            throw new CommandUsageException($"{where}: the image is a JSON object as Glance's image body, or null for none");
        }

        var members = new List<string>();
        if (image.TryGetProperty("members", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.String))
            {
                throw new CommandUsageException($"{where}: the image's members are a list of project ids");
            }

            members.AddRange(list.EnumerateArray().Select(m => m.GetString()!));
        }

        ImageDocument? document;
        try
        {
            document = image.Deserialize(ImageMetadataJsonContext.Default.ImageDocument);
        }
        catch (JsonException ex)
        {
            throw new CommandUsageException($"{where}: not an image body: {ex.Message}", ex);
        }

        if (document is null || string.IsNullOrEmpty(document.Id) || string.IsNullOrEmpty(document.Visibility))
        {
            throw new CommandUsageException($"{where}: the image needs at least its id and visibility");
        }

        document.Extra?.Remove("members");
        return (ImageMetadataClient.ToFacts(document), members);
    }

    /// <summary>A metadef namespace, or null for <c>null</c>.</summary>
    public static NamespaceFacts? Namespace(JsonElement ns, string where)
    {
        if (ns.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        NamespaceDocument? document;
        try
        {
            document = ns.Deserialize(ImageMetadataJsonContext.Default.NamespaceDocument);
        }
        catch (JsonException ex)
        {
            throw new CommandUsageException($"{where}: not a namespace body: {ex.Message}", ex);
        }

        if (document?.Namespace is not { Length: > 0 } name)
        {
            throw new CommandUsageException($"{where}: the namespace needs its name (\"namespace\")");
        }

        return new NamespaceFacts(name, string.IsNullOrEmpty(document.Owner) ? null : document.Owner, document.Visibility, document.Protected);
    }
}
