using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Glance.ImageStore.Schemas;

[JsonSerializable(typeof(JsonNode))]
internal sealed partial class SchemaJsonContext : JsonSerializerContext;
