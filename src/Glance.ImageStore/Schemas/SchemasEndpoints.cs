using System.Text.Json;
using System.Text.Json.Nodes;
using Glance.ImageStore.Routing;
using Glance.Policy.Responses;

namespace Glance.ImageStore.Schemas;

/// <summary>
/// <c>GET /v2/schemas/{image,images,member,members}</c>: Glance's JSON schemas (images.py,
/// image_members.py and glance.schema.CollectionSchema), with the custom image properties of
/// Debian's <c>/etc/glance/schema-image.json</c> (a copy, <c>Schemas/schema-image.json</c>), enough
/// for python-glanceclient to build and validate its models. Rendered once, served from memory.
/// </summary>
internal sealed class SchemasEndpoints
{
    private readonly byte[] _image;
    private readonly byte[] _images;
    private readonly byte[] _member;
    private readonly byte[] _members;

    public SchemasEndpoints()
    {
        var image = Load("image.json");

        // get_schema(load_custom_properties()): the operator's schema-image.json (Debian's, as
        // packaged) merged after the base properties, each marked "is_base": false.
        var properties = image["properties"]!.AsObject();
        foreach (var (name, custom) in Load("schema-image.json"))
        {
            var property = custom!.DeepClone().AsObject();
            property["is_base"] = false;
            properties[name] = property;
        }

        var member = Load("member.json");
        _image = Bytes(image);
        _member = Bytes(member);
        _images = Bytes(new JsonObject
        {
            ["name"] = "images",
            ["properties"] = new JsonObject
            {
                ["images"] = new JsonObject { ["type"] = "array", ["items"] = image.DeepClone() },
                ["first"] = new JsonObject { ["type"] = "string" },
                ["next"] = new JsonObject { ["type"] = "string" },
                ["schema"] = new JsonObject { ["type"] = "string" },
            },
            ["links"] = new JsonArray(
                new JsonObject { ["rel"] = "first", ["href"] = "{first}" },
                new JsonObject { ["rel"] = "next", ["href"] = "{next}" },
                new JsonObject { ["rel"] = "describedby", ["href"] = "{schema}" }),
        });
        _members = Bytes(new JsonObject
        {
            ["name"] = "members",
            ["properties"] = new JsonObject
            {
                ["members"] = new JsonObject { ["type"] = "array", ["items"] = member.DeepClone() },
                ["schema"] = new JsonObject { ["type"] = "string" },
            },
            ["links"] = new JsonArray(new JsonObject { ["rel"] = "describedby", ["href"] = "{schema}" }),
        });
    }

    public Task ImageAsync(HttpContext context) => WriteAsync(context, _image);

    public Task ImagesAsync(HttpContext context) => WriteAsync(context, _images);

    public Task MemberAsync(HttpContext context) => WriteAsync(context, _member);

    public Task MembersAsync(HttpContext context) => WriteAsync(context, _members);

    private static async Task WriteAsync(HttpContext context, byte[] body)
    {
        if (Resource.Method(context) != "GET")
        {
            await Resource.MethodNotAllowedAsync(context, "GET");
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await ResponseBody.WriteAsync(context, body);
    }

    private static JsonObject Load(string name)
    {
        using var stream = typeof(SchemasEndpoints).Assembly.GetManifestResourceStream("Glance.ImageStore.Schemas." + name)
            ?? throw new InvalidOperationException($"Embedded schema {name} is missing.");
        return JsonNode.Parse(stream)!.AsObject();
    }

    // Glance's json.dumps: ", " and ": " separators (PythonJson), no escaping of ' + < > &.
    private static byte[] Bytes(JsonNode node)
    {
        var compact = new System.Buffers.ArrayBufferWriter<byte>(8192);
        using (var writer = new Utf8JsonWriter(compact, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            node.WriteTo(writer);
        }

        var python = new System.Buffers.ArrayBufferWriter<byte>(compact.WrittenCount + (compact.WrittenCount / 8));
        PythonJson.Write(compact.WrittenSpan, python);
        return python.WrittenSpan.ToArray();
    }
}
