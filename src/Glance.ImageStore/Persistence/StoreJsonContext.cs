using System.Text.Json.Serialization;

namespace Glance.ImageStore.Persistence;

/// <summary>Source-generated JSON for the columns stored as JSON text (tags, extra properties).</summary>
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
