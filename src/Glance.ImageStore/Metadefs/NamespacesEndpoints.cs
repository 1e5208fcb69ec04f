using System.Globalization;
using System.Text.Json;
using Glance.ImageStore.Identity;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Metadefs;

/// <summary>
/// <c>/v2/metadefs/namespaces[/{namespace}]</c> and the deletion of a namespace's objects,
/// properties or tags, as glance/api/v2/metadef_namespaces.py answers them: the deserializer's
/// checks first, then the namespace lookup (the database's visibility), then
/// <see cref="MetadefPolicy"/>, then the write.
/// </summary>
internal sealed partial class NamespacesEndpoints(MetadefRepository repository, MetadefLookup lookup, TimeProvider time, IOptions<ImageStoreOptions> options, ILogger<NamespacesEndpoints> logger)
{
    // CONF.limit_param_default and CONF.api_limit_max.
    private const int DefaultLimit = 25;
    private const int MaxLimit = 1000;

    private readonly long _maxJsonBytes = options.Value.MaxJsonBodyBytes;

    // NamespaceController.index.
    public async Task IndexAsync(HttpContext context)
    {
        var parameters = MetadefRequest.Params(context);
        string? Take(string name)
        {
            var index = parameters.FindIndex(p => p.Key == name);
            return index < 0 ? null : parameters[index].Value;
        }

        // The deserializer's checks of the query, then the rules: the edge's decision.
        var caller = context.GetCaller().Caller;
        if (MetadefOperations.ListNamespaces(caller, parameters) is { } refused)
        {
            await refused.WriteAsync(context);
            return;
        }

        var limit = Math.Min(MaxLimit, int.Parse(Take("limit") ?? DefaultLimit.ToString(CultureInfo.InvariantCulture), NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture));
        var marker = Take("marker");
        var sortDir = Take("sort_dir") ?? "desc";
        var sortKey = Take("sort_key") ?? "created_at";
        var visibility = Take("visibility");

        MetadefNamespace? markerNamespace = null;
        if (marker is not null)
        {
            markerNamespace = await repository.FindNamespaceAsync(marker, context.RequestAborted);
            if (markerNamespace is null)
            {
                await GlanceErrorWriter.WriteAsync(context, 404, NotFound(marker));
                return;
            }

            if (!markerNamespace.IsVisibleTo(caller.IsAdmin, caller.ProjectId))
            {
                await GlanceErrorWriter.WriteAsync(context, 403, $"Forbidding request, metadata definition namespace={marker} is not visible.");
                return;
            }
        }

        if (Array.IndexOf(MetadefRepository.SortKeys, sortKey) < 0)
        {
            // paginate_query's InvalidSortKey reaches no handler in Glance: 500.
            await GlanceErrorWriter.WriteAsync(context, 500, GlanceErrorWriter.InternalError);
            return;
        }

        var resourceTypes = parameters.FindIndex(p => p.Key == "resource_types") is var rt and >= 0 ? parameters[rt].Value.Split(',') : null;
        var listed = await repository.ListNamespacesAsync(
            new MetadefNamespaceQuery(caller.IsAdmin, caller.ProjectId, string.IsNullOrEmpty(visibility) ? null : visibility, resourceTypes, markerNamespace, limit, sortKey, sortDir == "desc"),
            context.RequestAborted);
        var visible = listed.Where(ns => MetadefPolicy.For(caller, ns.Owner, ns.Visibility).Check(PolicyRuleNames.GetMetadefNamespace)).ToList();
        var associations = await repository.AssociationsAsync([.. visible.Select(ns => ns.Id)], context.RequestAborted);

        var query = parameters.Where(p => p.Key != "marker").ToList();
        var first = "/v2/metadefs/namespaces" + (query.Count > 0 ? "?" + MetadefRequest.UrlEncode(query) : string.Empty);
        string? next = null;
        if (visible.Count != 0 && visible.Count == limit)
        {
            query.Add(new("marker", visible[^1].Namespace));
            next = "/v2/metadefs/namespaces?" + MetadefRequest.UrlEncode(query);
        }

        await MetadefJson.RespondAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("namespaces");
            foreach (var ns in visible)
            {
                MetadefJson.WriteNamespace(writer, ns, associations.GetValueOrDefault(ns.Id), null, null);
            }

            writer.WriteEndArray();
            MetadefJson.Optional(writer, "next", next);
            writer.WriteString("schema", "/v2/schemas/metadefs/namespaces");
            writer.WriteString("first", first);
            writer.WriteEndObject();
        });
    }

    // NamespaceController.create.
    public async Task CreateAsync(HttpContext context)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        // The deserializer's checks of the body, then the rules: the edge's decision.
        var root = body.RootElement;
        var caller = context.GetCaller().Caller;
        if (MetadefOperations.AddNamespace(new EdgeInput(caller, string.Empty, null) { Body = root }) is { } refused)
        {
            await refused.WriteAsync(context);
            return;
        }

        var now = MetadefTime.Store(time.GetUtcNow());
        var name = root.GetProperty("namespace").GetString()!;
        var owner = root.TryGetProperty("owner", out var ownerElement) ? ownerElement.GetString() : caller.ProjectId;
        if (owner is null)
        {
            // A caller without a project (a system-scoped token) and no owner in the body: Glance
            // writes the namespace with no owner, which its database refuses: a 500.
            await MetadefRequest.InternalErrorAsync(context);
            return;
        }

        var ns = new MetadefNamespace(
            0,
            name,
            Text(root, "display_name"),
            Text(root, "description"),
            Text(root, "visibility") ?? "private",
            root.TryGetProperty("protected", out var p) && p.ValueKind != JsonValueKind.Null ? p.GetBoolean() : false,
            owner ?? string.Empty,
            now,
            now);
        var associations = Items(root, "resource_type_associations")
            .Select(a => (a.GetProperty("name").GetString()!, Text(a, "prefix"), Text(a, "properties_target"))).ToList();
        var objects = Items(root, "objects").Select(o => (
            o.GetProperty("name").GetString()!,
            Text(o, "description"),
            o.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array && r.GetArrayLength() > 0 ? string.Join(',', r.EnumerateArray().Select(x => x.GetString())) : null,
            ObjectSchemaText(o))).ToList();
        var properties = root.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object
            ? props.EnumerateObject().Select(pr => (pr.Name, PropertyTypeJson.ToText(pr.Value))).ToList()
            : [];
        var tags = Items(root, "tags").Select(t => t.GetProperty("name").GetString()!).ToList();

        var duplicate = await repository.CreateNamespaceAsync(
            new NewMetadefNamespace(ns.Namespace, ns.DisplayName, ns.Description, ns.Visibility, ns.Protected, ns.Owner, associations, objects, properties, tags),
            now,
            context.RequestAborted);
        if (duplicate is not null)
        {
            await GlanceErrorWriter.WriteAsync(context, 409, duplicate);
            return;
        }

        Log.Created(logger, context.TraceIdentifier, name);
        context.Response.Headers.Location = RequestTargetMiddleware.BaseUrl(context.Request) + MetadefJson.NamespaceHref(name);
        await MetadefJson.RespondAsync(context, 201, writer =>
        {
            // The answer is the request's model (not read back): its pieces as sent, normalized.
            writer.WriteStartObject();
            MetadefJson.WriteNamespaceAttributes(writer, ns);
            if (root.TryGetProperty("resource_type_associations", out var rta) && rta.ValueKind == JsonValueKind.Array)
            {
                writer.WriteStartArray("resource_type_associations");
                foreach (var a in rta.EnumerateArray())
                {
                    writer.WriteStartObject();
                    foreach (var key in (ReadOnlySpan<string>)["name", "prefix", "properties_target"])
                    {
                        if (a.TryGetProperty(key, out var v))
                        {
                            writer.WritePropertyName(key);
                            v.WriteTo(writer);
                        }
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (props.ValueKind == JsonValueKind.Object)
            {
                writer.WriteStartObject("properties");
                foreach (var property in props.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    PropertyTypeJson.Write(writer, property.Value);
                }

                writer.WriteEndObject();
            }

            if (root.TryGetProperty("objects", out var objs) && objs.ValueKind == JsonValueKind.Array)
            {
                writer.WriteStartArray("objects");
                foreach (var o in objs.EnumerateArray())
                {
                    WriteRequestObject(writer, o);
                }

                writer.WriteEndArray();
            }

            if (root.TryGetProperty("tags", out var tagList) && tagList.ValueKind == JsonValueKind.Array)
            {
                writer.WriteStartArray("tags");
                foreach (var t in tagList.EnumerateArray())
                {
                    writer.WriteStartObject();
                    if (t.TryGetProperty("name", out var tagName))
                    {
                        writer.WritePropertyName("name");
                        tagName.WriteTo(writer);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteString("self", MetadefJson.NamespaceHref(name));
            writer.WriteString("schema", MetadefJson.NamespaceSchema);
            writer.WriteEndObject();
        });
    }

    // NamespaceController.show.
    public async Task ShowAsync(HttpContext context)
    {
        var parameters = MetadefRequest.Params(context);
        var name = Resource.Id(context, "namespace");
        var caller = context.GetCaller().Caller;
        var ns = await repository.FindNamespaceAsync(name, context.RequestAborted);

        // The query's visibility, the lookup, then the rules: the edge's decision.
        var refused = MetadefOperations.ShowNamespace(caller, parameters, name, ns?.ToFacts());
        if (refused is not null || ns is null)
        {
            await (refused ?? Refusal.ResourceNotFound).WriteAsync(context);
            return;
        }

        // filters['resource_type'] with other parameters and no resource_type: Glance's KeyError, a 500.
        string? prefix = null;
        if (parameters.Count > 0)
        {
            var index = parameters.FindIndex(p => p.Key == "resource_type");
            if (index < 0)
            {
                await GlanceErrorWriter.WriteAsync(context, 500, GlanceErrorWriter.InternalError);
                return;
            }

            prefix = parameters[index].Value;
        }

        var contents = await repository.ContentsAsync(ns.Id, context.RequestAborted);
        if (!string.IsNullOrEmpty(prefix))
        {
            prefix = contents.Associations.FirstOrDefault(a => a.Name == prefix)?.Prefix;
        }
        else
        {
            prefix = null;
        }

        await MetadefJson.RespondAsync(context, 200, writer => MetadefJson.WriteNamespace(writer, ns, contents.Associations, contents, string.IsNullOrEmpty(prefix) ? null : prefix));
    }

    // NamespaceController.update.
    public async Task UpdateAsync(HttpContext context)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        // The body, the lookup, then the rule: the edge's decision.
        var root = body.RootElement;
        if (await lookup.DecideAsync(context, MetadefWriteOperations.UpdateNamespace, root) is not { } scope)
        {
            return;
        }

        var (caller, ns, _) = scope;
        if (Text(root, "owner") is not { Length: > 0 } && caller.ProjectId is null)
        {
            // user_ns.owner or req.context.owner, None for a system-scoped token: Glance's database refuses it, a 500.
            await MetadefRequest.InternalErrorAsync(context);
            return;
        }


        // Every attribute is the request's; an optional one it leaves out takes create's default.
        var updated = ns with
        {
            Namespace = root.GetProperty("namespace").GetString()!,
            DisplayName = Text(root, "display_name"),
            Description = Text(root, "description"),
            Visibility = Text(root, "visibility") is { Length: > 0 } v ? v : "private",
            Protected = root.TryGetProperty("protected", out var p) && p.ValueKind == JsonValueKind.True,
            Owner = Text(root, "owner") is { Length: > 0 } o ? o : caller.ProjectId ?? string.Empty,
            UpdatedAt = MetadefTime.Store(time.GetUtcNow()),
        };
        if (!await repository.UpdateNamespaceAsync(updated, context.RequestAborted))
        {
            await GlanceErrorWriter.WriteAsync(context, 409, $"Invalid update. It would result in a duplicate metadata definition namespace with the same name of {updated.Namespace}");
            return;
        }

        await MetadefJson.RespondAsync(context, 200, writer => MetadefJson.WriteNamespace(writer, updated, null, null, null));
    }

    // NamespaceController.delete, delete_objects, delete_properties, delete_tags.
    public async Task DeleteAsync(HttpContext context, string? contentTable)
    {
        var name = Resource.Id(context, "namespace");
        string[] rules = contentTable == "metadef_tags"
            ? [PolicyRuleNames.DeleteMetadefNamespace, PolicyRuleNames.DeleteMetadefTags]
            : [PolicyRuleNames.DeleteMetadefNamespace];
        if (await lookup.FindAllowedAsync(context, rules) is not { Namespace: var ns })
        {
            return;
        }

        // namespace_obj.delete(): a protected namespace keeps its contents too.
        if (await MetadefLookup.RefuseProtectedAsync(context, ns, $"namespace {ns.Namespace}"))
        {
            return;
        }

        if (contentTable is null)
        {
            await repository.DeleteNamespaceAsync(ns.Id, context.RequestAborted);
            Log.Deleted(logger, context.TraceIdentifier, name);
        }
        else
        {
            await repository.DeleteContentAsync(contentTable, ns.Id, context.RequestAborted);
        }

        await MetadefJson.NoContentAsync(context);
    }

    /// <summary><c>MetadefNamespaceNotFound</c>'s message.</summary>
    public static string NotFound(string name) => MetadefOperations.NamespaceNotFound(name);

    /// <summary>An object of a request as WSME echoes it: the attributes sent, in the model's order.</summary>
    public static void WriteRequestObject(Utf8JsonWriter writer, JsonElement o)
    {
        writer.WriteStartObject();
        foreach (var key in (ReadOnlySpan<string>)["name", "required", "description"])
        {
            if (o.TryGetProperty(key, out var v))
            {
                writer.WritePropertyName(key);
                v.WriteTo(writer);
            }
        }

        if (o.TryGetProperty("properties", out var properties))
        {
            writer.WritePropertyName("properties");
            if (properties.ValueKind == JsonValueKind.Object)
            {
                writer.WriteStartObject();
                foreach (var property in properties.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    PropertyTypeJson.Write(writer, property.Value);
                }

                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>The stored <c>json_schema</c> of an object: its properties, normalized (<c>{}</c> without any).</summary>
    public static string ObjectSchemaText(JsonElement o)
    {
        if (!o.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return "{}";
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var property in properties.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                PropertyTypeJson.Write(writer, property.Value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonElement[] Items(JsonElement root, string name) =>
        root.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array ? [.. items.EnumerateArray()] : [];

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 18001, Level = LogLevel.Information, Message = "Metadef namespace created {RequestId} {Namespace}")]
        public static partial void Created(ILogger logger, string requestId, string @namespace);

        [LoggerMessage(EventId = 18002, Level = LogLevel.Information, Message = "Metadef namespace deleted {RequestId} {Namespace}")]
        public static partial void Deleted(ILogger logger, string requestId, string @namespace);
    }
}
