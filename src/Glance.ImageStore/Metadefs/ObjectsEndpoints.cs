using System.Text.Json;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Metadefs;

/// <summary>
/// <c>/v2/metadefs/namespaces/{namespace}/objects[/{object_name}]</c> as glance/api/v2/metadef_objects.py answers them.
/// </summary>
internal sealed class ObjectsEndpoints(MetadefRepository repository, MetadefLookup lookup, TimeProvider time, IOptions<ImageStoreOptions> options)
{
    private readonly long _maxJsonBytes = options.Value.MaxJsonBodyBytes;
    private readonly MetadefChild<MetadefObject> _kind = new("object", "metadef_objects", "object_name", repository.ObjectsAsync, o => o.Name, name => $"Could not find metadata object {name}", MissingIsNotFound: true);

    // MetadefObjectsController.index: every object, by name (the deserializer's limit, marker and sort only checked).
    public async Task IndexAsync(HttpContext context)
    {
        if (await MetadefListing.CheckAsync(context, zeroLimitIsPositive: false) is not { } _)
        {
            return;
        }

        if (await lookup.FindAllowedAsync(context, missingIsNotFound: true, PolicyRuleNames.GetMetadefObjects) is not { } scope)
        {
            return;
        }

        var ns = scope.Namespace;
        var policy = scope.Policy;

        var objects = policy.Check(PolicyRuleNames.GetMetadefObject) ? await repository.ObjectsAsync(ns.Id, null, context.RequestAborted) : [];
        await MetadefJson.RespondAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("objects");
            foreach (var o in objects)
            {
                MetadefJson.WriteObject(writer, ns.Namespace, o);
            }

            writer.WriteEndArray();
            writer.WriteString("schema", "v2/schemas/metadefs/objects");
            writer.WriteEndObject();
        });
    }

    // MetadefObjectsController.create.
    public async Task CreateAsync(HttpContext context)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        // The body, the lookup, then the rule: the edge's decision.
        if (await lookup.DecideAsync(context, MetadefWriteOperations.AddObject, body.RootElement) is not { } scope)
        {
            return;
        }

        var ns = scope.Namespace;

        var root = body.RootElement;
        var now = MetadefTime.Store(time.GetUtcNow());
        var record = ToRecord(root, now);
        if (await repository.AddObjectAsync(ns.Id, ns.Namespace, record, context.RequestAborted) is { } duplicate)
        {
            await GlanceErrorWriter.WriteAsync(context, 409, duplicate);
            return;
        }

        await MetadefJson.RespondAsync(context, 201, writer => WriteEcho(writer, ns.Namespace, root, now, now));
    }

    // MetadefObjectsController.show.
    public async Task ShowAsync(HttpContext context)
    {
        var (ns, o) = await FindAsync(context, PolicyRuleNames.GetMetadefObject);
        if (o is not null)
        {
            await MetadefJson.RespondAsync(context, 200, writer => MetadefJson.WriteObject(writer, ns!.Namespace, o));
        }
    }

    // MetadefObjectsController.update: every attribute is the request's.
    public async Task UpdateAsync(HttpContext context)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        // The body, the lookup, then the rule: the edge's decision; then the object.
        if (await lookup.DecideAsync(context, MetadefWriteOperations.UpdateObject, body.RootElement) is not { } scope
            || await MetadefLookup.FindChildAsync(context, scope, _kind) is not { } o)
        {
            return;
        }

        var ns = scope.Namespace;

        var root = body.RootElement;
        var now = MetadefTime.Store(time.GetUtcNow());
        var record = ToRecord(root, now);
        var duplicate = await repository.UpdateRowAsync(
            "metadef_objects", ns.Id, o.Name, record.Name,
            [("description", record.Description), ("required", record.Required), ("json_schema", record.JsonSchema)],
            now,
            $"Invalid update. It would result in a duplicate metadata definition object with the same name={o.Name} in namespace={ns.Namespace}.",
            context.RequestAborted);
        if (duplicate is not null)
        {
            await GlanceErrorWriter.WriteAsync(context, 409, duplicate);
            return;
        }

        await MetadefJson.RespondAsync(context, 200, writer => WriteEcho(writer, ns.Namespace, root, o.CreatedAt, now));
    }

    // MetadefObjectsController.delete.
    public Task DeleteAsync(HttpContext context) => lookup.DeleteChildAsync(context, PolicyRuleNames.DeleteMetadefObject, _kind);

    // The namespace, the rule, then the object (404 "Could not find metadata object X").
    private Task<(MetadefNamespace? Namespace, MetadefObject? Object)> FindAsync(HttpContext context, string rule) =>
        lookup.FindChildAsync(context, rule, _kind);

    private static MetadefObject ToRecord(JsonElement root, string now) => new(
        root.GetProperty("name").GetString()!,
        root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null,
        root.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array && r.GetArrayLength() > 0 ? string.Join(',', r.EnumerateArray().Select(x => x.GetString())) : null,
        NamespacesEndpoints.ObjectSchemaText(root),
        now,
        now);

    // The answer of create and update: the request's model with the row's times and links.
    private static void WriteEcho(Utf8JsonWriter writer, string ns, JsonElement root, string createdAt, string updatedAt)
    {
        writer.WriteStartObject();
        foreach (var key in (ReadOnlySpan<string>)["name", "required", "description"])
        {
            if (root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null)
            {
                writer.WritePropertyName(key);
                v.WriteTo(writer);
            }
        }

        if (root.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            writer.WriteStartObject("properties");
            foreach (var property in properties.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                PropertyTypeJson.Write(writer, property.Value);
            }

            writer.WriteEndObject();
        }

        MetadefJson.Time(writer, "created_at", createdAt);
        MetadefJson.Time(writer, "updated_at", updatedAt);
        var name = root.GetProperty("name").GetString()!;
        writer.WriteString("self", MetadefJson.ObjectHref(ns, name));
        writer.WriteString("schema", MetadefJson.ObjectSchema);
        writer.WriteEndObject();
    }
}
