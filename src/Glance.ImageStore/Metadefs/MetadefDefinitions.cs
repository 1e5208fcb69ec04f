using System.Text.Json;
using Glance.ImageStore.Persistence;

namespace Glance.ImageStore.Metadefs;

/// <summary>
/// The metadata definitions Glance 25.1 ships (Debian's <c>/etc/glance/metadefs/*.json</c>, the
/// same files as <c>/usr/share/glance-common/metadefs/</c>), embedded in the store and loaded into
/// its database at the first start, as <c>glance-manage db_load_metadefs</c> loads them
/// (glance/db/sqlalchemy/metadata.py <c>_populate_metadata</c>): the owner is <c>admin</c> unless a
/// file names one; properties and objects' properties are stored as written; a resource type
/// first met is created protected. Once per database (<see cref="MetadefRepository.LoadDefinitionsOnceAsync"/>).
/// </summary>
internal static class MetadefDefinitions
{
    /// <summary>The mark of this load in <c>metadef_loads</c>.</summary>
    public const string Mark = "glance-25.1";

    private const string ResourcePrefix = "Glance.ImageStore.Metadefs.Definitions.";

    /// <summary>Every shipped namespace, in file name order.</summary>
    public static IReadOnlyList<NewMetadefNamespace> Read()
    {
        var assembly = typeof(MetadefDefinitions).Assembly;
        var list = new List<NewMetadefNamespace>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var document = JsonDocument.Parse(stream);
            list.Add(Parse(document.RootElement));
        }

        return list;
    }

    /// <summary>Loads them into the database unless it has them already; true when this call loaded them.</summary>
    public static bool LoadOnce(IServiceProvider services)
    {
        var repository = services.GetRequiredService<MetadefRepository>();
        var time = services.GetRequiredService<TimeProvider>();

        // Each row its own instant, strictly increasing, as each insert's utcnow() is in Glance:
        // listings sort by created_at.
        var last = DateTimeOffset.MinValue;
        string Now()
        {
            var now = time.GetUtcNow();
            last = now > last ? now : last.AddTicks(10);
            return MetadefTime.Store(last);
        }

        return repository.LoadDefinitionsOnceAsync(Mark, Read(), Now, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static NewMetadefNamespace Parse(JsonElement root) => new(
        root.GetProperty("namespace").GetString()!,
        Text(root, "display_name"),
        Text(root, "description"),
        Text(root, "visibility"),
        root.TryGetProperty("protected", out var p) && p.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.GetBoolean() : null,
        Text(root, "owner") ?? "admin",
        [.. Array(root, "resource_type_associations").Select(a => (a.GetProperty("name").GetString()!, Text(a, "prefix"), Text(a, "properties_target")))],
        [.. Array(root, "objects").Select(o => (o.GetProperty("name").GetString()!, Text(o, "description"), (string?)null, Raw(o, "properties")))],
        root.TryGetProperty("properties", out var properties) ? [.. properties.EnumerateObject().Select(pr => (pr.Name, pr.Value.GetRawText()))] : [],
        [.. Array(root, "tags").Select(t => t.GetProperty("name").GetString()!)]);

    private static JsonElement[] Array(JsonElement root, string name) =>
        root.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array ? [.. items.EnumerateArray()] : [];

    private static string Raw(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value.GetRawText() : "null";

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
