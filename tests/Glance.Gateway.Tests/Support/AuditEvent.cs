using System.Text.Json;

namespace Glance.Gateway.Tests.Support;

/// <summary>
/// One line of the audit or access file (one JSON object a line, AuditJsonFormatter: no
/// <c>@mt</c>), with the raw line for "no token" checks.
/// </summary>
public sealed record AuditEvent(string Line, JsonElement Json)
{
    /// <summary>A string property, or null.</summary>
    public string? Get(string name) =>
        Json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A number property, or null.</summary>
    public int? Number(string name) =>
        Json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    /// <summary>True when the property is present (even null).</summary>
    public bool Has(string name) => Json.TryGetProperty(name, out _);

    /// <summary>The event id (the <c>EventId.Id</c> property), or null.</summary>
    public int? EventId =>
        Json.TryGetProperty(nameof(EventId), out var id) && id.TryGetProperty("Id", out var value) ? value.GetInt32() : null;

    /// <summary>Reads every event of the file.</summary>
    public static IReadOnlyList<AuditEvent> ReadAll(string path) =>
        GatewayHost.SharedRead(path)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => new AuditEvent(line, JsonDocument.Parse(line).RootElement.Clone()))
            .ToList();

    /// <summary>
    /// Reads until <paramref name="read"/> returns at least <paramref name="count"/> events (the
    /// audit is written as the response starts, so it may trail the client's answer), bounded at 5 s.
    /// </summary>
    public static async Task<IReadOnlyList<AuditEvent>> EventuallyAsync(Func<IEnumerable<AuditEvent>> read, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(read);
        for (var i = 0; i < 100; i++)
        {
            var events = read().ToList();
            if (events.Count >= count)
            {
                return events;
            }

            await Task.Delay(50);
        }

        return read().ToList();
    }
}
