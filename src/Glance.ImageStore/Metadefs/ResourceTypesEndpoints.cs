using System.Text.Json;
using Glance.ImageStore.Identity;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Metadefs;

/// <summary>
/// <c>/v2/metadefs/resource_types</c> and <c>/v2/metadefs/namespaces/{namespace}/resource_types[/{resource_type}]</c>
/// as glance/api/v2/metadef_resource_types.py answers them.
/// </summary>
internal sealed class ResourceTypesEndpoints(MetadefRepository repository, MetadefLookup lookup, TimeProvider time, IOptions<ImageStoreOptions> options)
{
    private readonly long _maxJsonBytes = options.Value.MaxJsonBodyBytes;

    // ResourceTypeController.index: every resource type, after list_metadef_resource_types.
    public async Task IndexAsync(HttpContext context)
    {
        var caller = context.GetCaller().Caller;
        if (MetadefOperations.ListResourceTypes(new EdgeInput(caller, string.Empty, null)) is { } refused)
        {
            await refused.WriteAsync(context);
            return;
        }

        var types = await repository.ResourceTypesAsync(context.RequestAborted);
        await MetadefJson.RespondAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("resource_types");
            foreach (var type in types)
            {
                writer.WriteStartObject();
                writer.WriteString("name", type.Name);
                MetadefJson.Time(writer, "created_at", type.CreatedAt);
                MetadefJson.Time(writer, "updated_at", type.UpdatedAt);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    // ResourceTypeController.show: a namespace's associations.
    public async Task ShowAsync(HttpContext context)
    {
        // The lookup, then the rule: the edge's decision.
        if (await lookup.DecideAsync(context, MetadefOperations.ListResourceTypeAssociations) is not { } scope)
        {
            return;
        }

        var ns = scope.Namespace;
        var policy = scope.Policy;

        var associations = (await repository.AssociationsAsync([ns.Id], context.RequestAborted)).GetValueOrDefault(ns.Id) ?? [];
        var allowed = policy.Check(PolicyRuleNames.GetMetadefResourceType);
        await MetadefJson.RespondAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("resource_type_associations");
            foreach (var association in allowed ? associations : [])
            {
                MetadefJson.WriteAssociation(writer, association);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    // ResourceTypeController.create: associates a resource type (created when new) with the namespace.
    public async Task CreateAsync(HttpContext context)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        // The body, the lookup, then the rule: the edge's decision.
        var root = body.RootElement;
        if (await lookup.DecideAsync(context, MetadefWriteOperations.AddResourceTypeAssociation, root) is not { } scope)
        {
            return;
        }

        var ns = scope.Namespace;

        var name = root.GetProperty("name").GetString()!;
        var prefix = Text(root, "prefix");
        var target = Text(root, "properties_target");
        var now = MetadefTime.Store(time.GetUtcNow());
        var duplicate = await repository.AssociateAsync(ns.Id, ns.Namespace, name, prefix, target, now, context.RequestAborted);
        if (duplicate is not null)
        {
            await GlanceErrorWriter.WriteAsync(context, 409, duplicate);
            return;
        }

        await MetadefJson.RespondAsync(context, 201, writer => MetadefJson.WriteAssociation(writer, new MetadefAssociation(name, prefix, target, now, now)));
    }

    // ResourceTypeController.delete.
    public async Task DeleteAsync(HttpContext context)
    {
        if (await lookup.FindAllowedAsync(context, PolicyRuleNames.RemoveMetadefResourceTypeAssociation) is not { } scope)
        {
            return;
        }

        var ns = scope.Namespace;

        // The association first (404), then the namespace's protection (db_resource_type.delete()).
        var name = Resource.Id(context, "resource_type");
        var associations = (await repository.AssociationsAsync([ns.Id], context.RequestAborted)).GetValueOrDefault(ns.Id) ?? [];
        if (!associations.Exists(a => a.Name == name) || (ns.Protected != true && !await repository.DissociateAsync(ns.Id, name, context.RequestAborted)))
        {
            await GlanceErrorWriter.WriteAsync(context, 404, $"Failed to find resource type {name} to delete");
            return;
        }

        if (await MetadefLookup.RefuseProtectedAsync(context, ns, $"resource-type-association {name}"))
        {
            return;
        }

        await MetadefJson.NoContentAsync(context);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
