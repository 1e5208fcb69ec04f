using System.Text.Json;

namespace Glance.Gateway.EndToEnd.Tests.Support;

/// <summary>One line of the audit file (compact JSON).</summary>
public sealed record AuditEvent(string Line, JsonElement Json)
{
    /// <summary>A string property, or null.</summary>
    public string? Get(string name) =>
        Json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A number property, or null.</summary>
    public int? Number(string name) =>
        Json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}
