using System.Text.Json;

namespace Glance.ImageStore.Metadefs;

/// <summary>
/// Glance's metadef answers as its WSME models write them (glance/api/v2/model/metadef_*.py):
/// attributes in declaration order, a None attribute left out, timestamps as isotime.
/// </summary>
internal static class MetadefJson
{
    public const string NamespaceSchema = "/v2/schemas/metadefs/namespace";
    public const string ObjectSchema = "/v2/schemas/metadefs/object";
    public const string PropertySchema = "/v2/schemas/metadefs/property";
    public const string TagSchema = "/v2/schemas/metadefs/tag";

    /// <summary>A JSON answer as the metadef serializers write it: <c>jsonutils.dumps(..., ensure_ascii=False)</c>.</summary>
    public static Task RespondAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> write) =>
        Routing.JsonResponse.WriteAsync(context, statusCode, write, ensureAscii: false);

    /// <summary>
    /// The metadef serializers' 204: webob's default <c>Content-Type</c> stays
    /// (<c>text/html; charset=UTF-8</c>), with no body.
    /// </summary>
    public static Task NoContentAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        context.Response.ContentType = "text/html; charset=UTF-8";
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    public static string NamespaceHref(string ns) => $"/v2/metadefs/namespaces/{ns}";

    public static string ObjectHref(string ns, string name) => $"/v2/metadefs/namespaces/{ns}/objects/{name}";

    public static string TagHref(string ns, string name) => $"/v2/metadefs/namespaces/{ns}/tags/{name}";

    /// <summary>The namespace's own attributes (namespace ... updated_at).</summary>
    public static void WriteNamespaceAttributes(Utf8JsonWriter writer, MetadefNamespace ns)
    {
        writer.WriteString("namespace", ns.Namespace);
        Optional(writer, "display_name", ns.DisplayName);
        Optional(writer, "description", ns.Description);
        // The domain model's defaults (glance/domain MetadefNamespace): a NULL visibility is
        // private, a NULL protected is false (the shipped files leave some out).
        writer.WriteString("visibility", ns.Visibility ?? "private");
        writer.WriteBoolean("protected", ns.Protected ?? false);

        writer.WriteString("owner", ns.Owner);
        Time(writer, "created_at", ns.CreatedAt);
        Time(writer, "updated_at", ns.UpdatedAt);
    }

    /// <summary>A namespace with what it holds (<paramref name="prefix"/> before every property name, for the <c>resource_type</c> filter).</summary>
    public static void WriteNamespace(Utf8JsonWriter writer, MetadefNamespace ns, IReadOnlyList<MetadefAssociation>? associations, MetadefContents? contents, string? prefix)
    {
        writer.WriteStartObject();
        WriteNamespaceAttributes(writer, ns);
        if (associations is { Count: > 0 })
        {
            writer.WriteStartArray("resource_type_associations");
            foreach (var association in associations)
            {
                WriteAssociation(writer, association);
            }

            writer.WriteEndArray();
        }

        if (contents is not null)
        {
            if (contents.Properties.Count > 0)
            {
                writer.WriteStartObject("properties");
                foreach (var property in contents.Properties)
                {
                    writer.WritePropertyName(prefix + property.Name);
                    using var schema = JsonDocument.Parse(property.JsonSchema);
                    PropertyTypeJson.Write(writer, schema.RootElement);
                }

                writer.WriteEndObject();
            }

            if (contents.Objects.Count > 0)
            {
                writer.WriteStartArray("objects");
                foreach (var o in contents.Objects)
                {
                    WriteObject(writer, ns.Namespace, o, prefix);
                }

                writer.WriteEndArray();
            }

            if (contents.Tags.Count > 0)
            {
                writer.WriteStartArray("tags");
                foreach (var tag in contents.Tags)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", tag.Name);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }
        }

        writer.WriteString("self", NamespaceHref(ns.Namespace));
        writer.WriteString("schema", NamespaceSchema);
        writer.WriteEndObject();
    }

    /// <summary>A resource type association (<c>ResourceTypeAssociation</c>).</summary>
    public static void WriteAssociation(Utf8JsonWriter writer, MetadefAssociation association)
    {
        writer.WriteStartObject();
        writer.WriteString("name", association.Name);
        Optional(writer, "prefix", association.Prefix);
        Optional(writer, "properties_target", association.PropertiesTarget);
        Time(writer, "created_at", association.CreatedAt);
        Time(writer, "updated_at", association.UpdatedAt);
        writer.WriteEndObject();
    }

    /// <summary>An object (<c>MetadefObject</c>) as the database gives it back.</summary>
    public static void WriteObject(Utf8JsonWriter writer, string ns, MetadefObject o, string? prefix = null)
    {
        writer.WriteStartObject();
        writer.WriteString("name", o.Name);
        writer.WriteStartArray("required");
        foreach (var name in string.IsNullOrEmpty(o.Required) ? [] : o.Required.Split(','))
        {
            writer.WriteStringValue(prefix + name);
        }

        writer.WriteEndArray();
        Optional(writer, "description", o.Description);
        writer.WriteStartObject("properties");
        using (var schema = JsonDocument.Parse(o.JsonSchema))
        {
            if (schema.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in schema.RootElement.EnumerateObject())
                {
                    writer.WritePropertyName(prefix + property.Name);
                    PropertyTypeJson.Write(writer, property.Value);
                }
            }
        }

        writer.WriteEndObject();
        Time(writer, "created_at", o.CreatedAt);
        Time(writer, "updated_at", o.UpdatedAt);
        writer.WriteString("self", ObjectHref(ns, o.Name));
        writer.WriteString("schema", ObjectSchema);
        writer.WriteEndObject();
    }

    /// <summary>A string attribute WSME writes only when not None.</summary>
    public static void Optional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>A stored timestamp as isotime, when there is one.</summary>
    public static void Time(Utf8JsonWriter writer, string name, string? stored)
    {
        if (stored is not null)
        {
            writer.WriteString(name, MetadefTime.Answer(stored));
        }
    }
}
