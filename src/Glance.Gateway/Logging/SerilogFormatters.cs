using Glance.Gateway.Auditing;
using Glance.Gateway.Auditing.Cadf;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Json;

namespace Glance.Gateway.Logging;

/// <summary>
/// The formatters a sink's <c>formatter</c> may name: a closed table of type names (with or
/// without <c>, Assembly</c> after them, as Serilog.Settings.Configuration took them), each
/// created in code rather than looked up by reflection.
/// </summary>
internal static class SerilogFormatters
{
    private static readonly (string Type, string Assembly, Func<ITextFormatter> Create)[] Known =
    [
        ("Glance.Gateway.Auditing.AuditJsonFormatter", "Glance.Gateway", () => new AuditJsonFormatter()),
        ("Glance.Gateway.Auditing.Cadf.CadfAuditFormatter", "Glance.Gateway", () => new CadfAuditFormatter()),
        ("Serilog.Formatting.Compact.CompactJsonFormatter", "Serilog.Formatting.Compact", () => new CompactJsonFormatter()),
        ("Serilog.Formatting.Compact.RenderedCompactJsonFormatter", "Serilog.Formatting.Compact", () => new RenderedCompactJsonFormatter()),
        ("Serilog.Formatting.Json.JsonFormatter", "Serilog", () => new JsonFormatter()),
    ];

    /// <summary>The type names accepted.</summary>
    public static IEnumerable<string> Names => Known.Select(k => k.Type);

    /// <summary>The formatter's factory, or null for a name not in the table (or with the wrong assembly).</summary>
    public static Func<ITextFormatter>? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var comma = name.IndexOf(',', StringComparison.Ordinal);
        var type = (comma < 0 ? name : name[..comma]).Trim();
        var assembly = comma < 0 ? null : name[(comma + 1)..].Trim();
        foreach (var known in Known)
        {
            if (string.Equals(known.Type, type, StringComparison.OrdinalIgnoreCase)
                && (assembly is null || string.Equals(known.Assembly, assembly, StringComparison.OrdinalIgnoreCase)))
            {
                return known.Create;
            }
        }

        return null;
    }
}
