using System.Text.Json;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Metadefs;

/// <summary>
/// <c>/v2/metadefs/namespaces/{namespace}/properties[/{property_name}]</c> as
/// glance/api/v2/metadef_properties.py answers them. A property created here is stored with its
/// name inside its definition (as Glance stores it); one that came with its namespace is not.
/// </summary>
internal sealed class PropertiesEndpoints(MetadefRepository repository, MetadefLookup lookup, TimeProvider time, IOptions<ImageStoreOptions> options)
{
    private readonly long _maxJsonBytes = options.Value.MaxJsonBodyBytes;
    private readonly MetadefChild<MetadefProperty> _kind = new("property", "metadef_properties", "property_name", repository.PropertiesAsync, p => p.Name, name => $"Could not find property {name}");

    // NamespacePropertiesController.index.
    public async Task IndexAsync(HttpContext context)
    {
        if (await lookup.FindAllowedAsync(context, PolicyRuleNames.GetMetadefProperties) is not { } scope)
        {
            return;
        }

        var ns = scope.Namespace;

        var properties = await repository.PropertiesAsync(ns.Id, null, context.RequestAborted);
        await MetadefJson.RespondAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("properties");
            foreach (var property in properties)
            {
                writer.WritePropertyName(property.Name);
                using var schema = JsonDocument.Parse(property.JsonSchema);
                PropertyTypeJson.Write(writer, schema.RootElement);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    // NamespacePropertiesController.show, with the resource_type filter that takes a prefix off the name.
    public async Task ShowAsync(HttpContext context)
    {
        if (await lookup.FindAllowedAsync(context, PolicyRuleNames.GetMetadefProperty) is not { } scope)
        {
            return;
        }

        var ns = scope.Namespace;
        var policy = scope.Policy;

        var name = Resource.Id(context, "property_name");
        var parameters = MetadefRequest.Params(context);
        if (parameters.Count > 0)
        {
            var index = parameters.FindIndex(p => p.Key == "resource_type");
            if (index < 0)
            {
                // filters['resource_type'] without one: Glance's KeyError, a 500.
                await GlanceErrorWriter.WriteAsync(context, 500, GlanceErrorWriter.InternalError);
                return;
            }

            var resourceType = parameters[index].Value;
            if (resourceType.Length > 0)
            {
                if (policy.Enforce(PolicyRuleNames.GetMetadefResourceType) is { } refusedType)
                {
                    await refusedType.WriteAsync(context);
                    return;
                }

                var types = await repository.ResourceTypesAsync(context.RequestAborted);
                if (!types.Exists(t => t.Name == resourceType))
                {
                    await GlanceErrorWriter.WriteAsync(context, 404, $"The metadata definition resource-type with name={resourceType}, was not found.");
                    return;
                }

                var association = ((await repository.AssociationsAsync([ns.Id], context.RequestAborted)).GetValueOrDefault(ns.Id) ?? []).Find(a => a.Name == resourceType);
                if (association is null)
                {
                    await GlanceErrorWriter.WriteAsync(context, 404, $"The metadata definition resource-type association of resource-type={resourceType} to namespace={ns.Namespace}, was not found.");
                    return;
                }

                var prefix = association.Prefix;
                if (string.IsNullOrEmpty(prefix) || !name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    await GlanceErrorWriter.WriteAsync(context, 404, $"Property {name} does not start with the expected resource type association prefix of '{prefix ?? "None"}'.");
                    return;
                }

                name = name[prefix.Length..];
            }
        }

        var found = await repository.PropertiesAsync(ns.Id, name, context.RequestAborted);
        if (found.Count == 0)
        {
            await GlanceErrorWriter.WriteAsync(context, 404, $"Could not find property {name}");
            return;
        }

        await MetadefJson.RespondAsync(context, 200, writer => WriteNamed(writer, found[0].Name, found[0].JsonSchema));
    }

    // NamespacePropertiesController.create.
    public async Task CreateAsync(HttpContext context)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        // The body, the lookup, then the rule: the edge's decision.
        if (await lookup.DecideAsync(context, MetadefWriteOperations.AddProperty, body.RootElement) is not { } scope)
        {
            return;
        }

        var ns = scope.Namespace;

        var root = body.RootElement;
        var name = root.GetProperty("name").GetString()!;
        var schema = PropertyTypeJson.ToText(root);
        var now = MetadefTime.Store(time.GetUtcNow());
        if (await repository.AddPropertyAsync(ns.Id, ns.Namespace, name, schema, now, context.RequestAborted) is { } duplicate)
        {
            await GlanceErrorWriter.WriteAsync(context, 409, duplicate);
            return;
        }

        await MetadefJson.RespondAsync(context, 201, writer => WriteNamed(writer, name, schema));
    }

    // NamespacePropertiesController.update: the request's definition replaces the stored one.
    public async Task UpdateAsync(HttpContext context)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        // The body, the lookup, then the rule: the edge's decision; then the property.
        if (await lookup.DecideAsync(context, MetadefWriteOperations.UpdateProperty, body.RootElement) is not { } scope
            || await MetadefLookup.FindChildAsync(context, scope, _kind) is not { } property)
        {
            return;
        }

        var ns = scope.Namespace;

        var root = body.RootElement;
        var name = root.GetProperty("name").GetString()!;
        var schema = PropertyTypeJson.ToText(root);
        var duplicate = await repository.UpdateRowAsync(
            "metadef_properties", ns.Id, property.Name, name, [("json_schema", schema)], MetadefTime.Store(time.GetUtcNow()),
            $"Invalid update. It would result in a duplicate metadata definition property with the same name={property.Name} in namespace={ns.Namespace}.",
            context.RequestAborted);
        if (duplicate is not null)
        {
            await GlanceErrorWriter.WriteAsync(context, 409, duplicate);
            return;
        }

        await MetadefJson.RespondAsync(context, 200, writer => WriteNamed(writer, name, schema));
    }

    // NamespacePropertiesController.delete.
    public Task DeleteAsync(HttpContext context) => lookup.DeleteChildAsync(context, PolicyRuleNames.RemoveMetadefProperty, _kind);

    // _to_model: the stored definition with the row's name as its name.
    private static void WriteNamed(Utf8JsonWriter writer, string name, string schema)
    {
        using var document = JsonDocument.Parse(schema);
        var root = document.RootElement;
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.Flush();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var inner = new Utf8JsonWriter(buffer))
        {
            PropertyTypeJson.Write(inner, root, withoutName: name);
        }

        using var rest = JsonDocument.Parse(buffer.WrittenMemory);
        foreach (var member in rest.RootElement.EnumerateObject())
        {
            member.WriteTo(writer);
        }

        writer.WriteEndObject();
    }
}
