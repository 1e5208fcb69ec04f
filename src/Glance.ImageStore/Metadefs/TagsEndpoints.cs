using System.Text.Json;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Metadefs;

/// <summary>
/// <c>/v2/metadefs/namespaces/{namespace}/tags[/{tag_name}]</c> as glance/api/v2/metadef_tags.py
/// answers them, the bulk <c>POST .../tags</c> included (it replaces every tag unless
/// <c>X-Openstack-Append</c> is true; an empty list changes nothing).
/// </summary>
internal sealed class TagsEndpoints(MetadefRepository repository, MetadefLookup lookup, TimeProvider time, IOptions<ImageStoreOptions> options)
{
    private static readonly string[] True = ["1", "t", "true", "on", "y", "yes"];
    private readonly long _maxJsonBytes = options.Value.MaxJsonBodyBytes;
    private readonly MetadefChild<MetadefTag> _kind = new("tag", "metadef_tags", "tag_name", repository.TagsAsync, t => t.Name, name => $"Could not find metadata tag {name}");

    // TagsController.index.
    public async Task IndexAsync(HttpContext context)
    {
        if (await MetadefListing.CheckAsync(context, zeroLimitIsPositive: true) is not { } listing)
        {
            return;
        }

        if (await lookup.FindAllowedAsync(context, PolicyRuleNames.GetMetadefTags) is not { } scope)
        {
            return;
        }

        var ns = scope.Namespace;

        if (listing.Marker is { } marker && (await repository.TagsAsync(ns.Id, marker, context.RequestAborted)).Count == 0)
        {
            await GlanceErrorWriter.WriteAsync(context, 404, $"Could not find metadata tag {marker}");
            return;
        }

        if (Array.IndexOf(MetadefRepository.TagSortKeys, listing.SortKey) < 0)
        {
            await GlanceErrorWriter.WriteAsync(context, 500, GlanceErrorWriter.InternalError);
            return;
        }

        var tags = await repository.TagPageAsync(ns.Id, listing.Marker, listing.Limit, listing.SortKey, listing.Descending, context.RequestAborted);
        await MetadefJson.RespondAsync(context, 200, writer => WriteNames(writer, tags.Select(t => t.Name)));
    }

    // TagsController.create: POST .../tags/{tag_name}.
    public async Task CreateAsync(HttpContext context)
    {
        // The lookup, the name against the tag schema, then the rule: the edge's decision.
        if (await lookup.DecideAsync(context, MetadefWriteOperations.AddTag) is not { } scope)
        {
            return;
        }

        var ns = scope.Namespace;
        var name = Resource.Id(context, "tag_name");
        var now = MetadefTime.Store(time.GetUtcNow());
        if (await repository.AddTagsAsync(ns.Id, ns.Namespace, [name], replace: false, now, context.RequestAborted) is { } duplicate)
        {
            await GlanceErrorWriter.WriteAsync(context, 409, duplicate);
            return;
        }

        await MetadefJson.RespondAsync(context, 201, writer => WriteTag(writer, new MetadefTag(name, now, now)));
    }

    // TagsController.create_tags: POST .../tags with {"tags": [{"name": ...}, ...]}.
    public async Task CreateTagsAsync(HttpContext context)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        // The body, the lookup, then the rule: the edge's decision.
        var root = body.RootElement;
        if (await lookup.DecideAsync(context, MetadefWriteOperations.AddTags, root) is not { } scope)
        {
            return;
        }

        var ns = scope.Namespace;

        var names = root.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? tags.EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToList()
            : [];
        var append = context.Request.Headers["X-Openstack-Append"].ToString().Trim().ToLowerInvariant() is var header && Array.IndexOf(True, header) >= 0;
        if (names.Count > 0)
        {
            var now = MetadefTime.Store(time.GetUtcNow());
            if (await repository.AddTagsAsync(ns.Id, ns.Namespace, names, replace: !append, now, context.RequestAborted) is { } duplicate)
            {
                await GlanceErrorWriter.WriteAsync(context, 409, duplicate);
                return;
            }
        }

        await MetadefJson.RespondAsync(context, 201, writer => WriteNames(writer, names));
    }

    // TagsController.show.
    public async Task ShowAsync(HttpContext context)
    {
        var (_, tag) = await FindAsync(context, PolicyRuleNames.GetMetadefTag);
        if (tag is not null)
        {
            await MetadefJson.RespondAsync(context, 200, writer => WriteTag(writer, tag));
        }
    }

    // TagsController.update: renames the tag.
    public async Task UpdateAsync(HttpContext context)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        // The body, the lookup, then the rule: the edge's decision; then the tag.
        var root = body.RootElement;
        if (await lookup.DecideAsync(context, MetadefWriteOperations.UpdateTag, root) is not { } scope
            || await MetadefLookup.FindChildAsync(context, scope, _kind) is not { } tag)
        {
            return;
        }

        var ns = scope.Namespace;

        var name = root.GetProperty("name").GetString()!;
        var now = MetadefTime.Store(time.GetUtcNow());
        var duplicate = await repository.UpdateRowAsync(
            "metadef_tags", ns.Id, tag.Name, name, [], now,
            $"A metadata tag with name={name} already exists in namespace={ns.Namespace}. (Please note that metadata tag names are case insensitive).",
            context.RequestAborted);
        if (duplicate is not null)
        {
            await GlanceErrorWriter.WriteAsync(context, 409, duplicate);
            return;
        }

        await MetadefJson.RespondAsync(context, 200, writer => WriteTag(writer, tag with { Name = name, UpdatedAt = now }));
    }

    // TagsController.delete.
    public Task DeleteAsync(HttpContext context) => lookup.DeleteChildAsync(context, PolicyRuleNames.DeleteMetadefTag, _kind);

    private Task<(MetadefNamespace? Namespace, MetadefTag? Tag)> FindAsync(HttpContext context, string rule) =>
        lookup.FindChildAsync(context, rule, _kind);

    private static void WriteTag(Utf8JsonWriter writer, MetadefTag tag)
    {
        writer.WriteStartObject();
        writer.WriteString("name", tag.Name);
        MetadefJson.Time(writer, "created_at", tag.CreatedAt);
        MetadefJson.Time(writer, "updated_at", tag.UpdatedAt);
        writer.WriteEndObject();
    }

    private static void WriteNames(Utf8JsonWriter writer, IEnumerable<string> names)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("tags");
        foreach (var name in names)
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
