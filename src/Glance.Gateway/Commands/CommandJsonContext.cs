using System.Text.Json;
using System.Text.Json.Serialization;

namespace Glance.Gateway.Commands;

/// <summary>Source-generated JSON for the commands (a table case's request body written back to bytes).</summary>
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class CommandJsonContext : JsonSerializerContext;
