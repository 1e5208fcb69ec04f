using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;

namespace Glance.Gateway.Auditing;

/// <summary>
/// One JSON object per line for the audit trail and the access log: <c>@t</c> (UTC, round-trip),
/// <c>@l</c>, <c>@tr</c>/<c>@sp</c> (the trace, to find the request's spans), <c>@x</c> when
/// there is an exception, then the event's properties (<c>EventId</c> included) as JSON. Unlike
/// <see cref="Serilog.Formatting.Compact.CompactJsonFormatter"/> it writes no <c>@mt</c>: the
/// message template is the same sentence on every line of these files (about 370 of an audit
/// line's 1,000 bytes) and says nothing the properties do not. <c>@l</c> is written for every
/// level (CLEF leaves it out for Information), so that a line reads alone.
/// <c>SourceContext</c> is left out too: each of these files has one source.
/// </summary>
public sealed class AuditJsonFormatter : ITextFormatter
{
    private static readonly JsonValueFormatter Values = new(typeTagName: "$type");

    /// <inheritdoc />
    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        output.Write("{\"@t\":\"");
        output.Write(logEvent.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        output.Write("\",\"@l\":\"");
        output.Write(logEvent.Level.ToString());
        output.Write('"');
        if (logEvent.TraceId is { } trace)
        {
            output.Write(",\"@tr\":\"");
            output.Write(trace.ToHexString());
            output.Write('"');
        }

        if (logEvent.SpanId is { } span)
        {
            output.Write(",\"@sp\":\"");
            output.Write(span.ToHexString());
            output.Write('"');
        }

        if (logEvent.Exception is not null)
        {
            output.Write(",\"@x\":");
            JsonValueFormatter.WriteQuotedJsonString(logEvent.Exception.ToString(), output);
        }

        foreach (var (name, value) in logEvent.Properties)
        {
            if (name is "SourceContext")
            {
                continue;
            }

            output.Write(',');
            JsonValueFormatter.WriteQuotedJsonString(name.StartsWith('@') ? "@" + name : name, output); // CLEF's escape of a property named like a reserved field
            output.Write(':');
            Values.Format(value, output);
        }

        output.Write('}');
        output.Write('\n');
    }
}
