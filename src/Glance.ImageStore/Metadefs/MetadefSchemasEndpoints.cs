namespace Glance.ImageStore.Metadefs;

/// <summary>
/// <c>GET /v2/schemas/metadefs/{namespace,namespaces,object,objects,property,properties,tag,tags,resource_type,resource_types}</c>:
/// the bodies Glance 25.1 answers, byte for byte (captured from it, embedded), served from memory.
/// </summary>
internal sealed class MetadefSchemasEndpoints
{
    private readonly Dictionary<string, byte[]> _schemas = new(StringComparer.Ordinal);

    public MetadefSchemasEndpoints()
    {
        var assembly = typeof(MetadefSchemasEndpoints).Assembly;
        foreach (var name in (ReadOnlySpan<string>)["namespace", "namespaces", "object", "objects", "property", "properties", "tag", "tags", "resource_type", "resource_types"])
        {
            using var stream = assembly.GetManifestResourceStream($"Glance.ImageStore.Metadefs.Schemas.{name}.json")
                ?? throw new InvalidOperationException($"Embedded metadef schema {name} is missing.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            _schemas["metadef_" + name] = copy.ToArray();
        }
    }

    /// <summary>Writes the schema the router named (<c>metadef_namespace</c>, ...).</summary>
    public async Task WriteAsync(HttpContext context, string action)
    {
        var body = _schemas[action];
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }
}
