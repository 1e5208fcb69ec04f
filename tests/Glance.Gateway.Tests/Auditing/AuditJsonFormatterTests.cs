using System.Text.Json;
using Glance.Gateway.Auditing;
using Serilog.Events;
using Serilog.Parsing;

namespace Glance.Gateway.Tests.Auditing;

/// <summary>The audit and access files' line format: one JSON object a line, no message template.</summary>
public sealed class AuditJsonFormatterTests
{
    [Fact]
    public void Event_IsOneJsonLine_WithTimestampLevelEventIdAndProperties_WithoutTemplate()
    {
        var line = Format(new LogEvent(
            new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.FromHours(1)),
            LogEventLevel.Information,
            exception: null,
            new MessageTemplateParser().Parse("Member delete {Decision} with status {Status}"),
            [
                new LogEventProperty("EventId", new StructureValue([new LogEventProperty("Id", new ScalarValue(9001)), new LogEventProperty("Name", new ScalarValue("EdgeDecision"))])),
                new LogEventProperty("Decision", new ScalarValue("deny")),
                new LogEventProperty("Status", new ScalarValue(403)),
                new LogEventProperty("BackendStatus", new ScalarValue(null)),
                new LogEventProperty("SourceContext", new ScalarValue("Glance.Gateway.Auditing.MemberDeleteAudit")),
            ]));

        Assert.EndsWith("}\n", line, StringComparison.Ordinal);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("2026-12-01T11:00:00.0000000Z", json.GetProperty("@t").GetString());
        Assert.Equal("Information", json.GetProperty("@l").GetString());
        Assert.Equal(9001, json.GetProperty("EventId").GetProperty("Id").GetInt32());
        Assert.Equal("EdgeDecision", json.GetProperty("EventId").GetProperty("Name").GetString());
        Assert.Equal("deny", json.GetProperty("Decision").GetString());
        Assert.Equal(403, json.GetProperty("Status").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("BackendStatus").ValueKind);
        Assert.False(json.TryGetProperty("@mt", out _));
        Assert.False(json.TryGetProperty("SourceContext", out _));
        Assert.DoesNotContain("Member delete", line, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileValue_StaysInsideItsString_OnOneLine()
    {
        const string agent = "evil\"}\n{\"Decision\":\"allow\"} \u2028 \\";
        var line = Format(new LogEvent(
            DateTimeOffset.UnixEpoch,
            LogEventLevel.Warning,
            new InvalidOperationException("boom\nline two"),
            new MessageTemplateParser().Parse("x"),
            [new LogEventProperty("UserAgent", new ScalarValue(agent)), new LogEventProperty("@odd", new ScalarValue(1))]));

        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal(agent, json.GetProperty("UserAgent").GetString());
        Assert.Equal("Warning", json.GetProperty("@l").GetString());
        Assert.Contains("boom", json.GetProperty("@x").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, json.GetProperty("@@odd").GetInt32());
        Assert.False(json.TryGetProperty("Decision", out _));
    }

    private static string Format(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        new AuditJsonFormatter().Format(logEvent, writer);
        return writer.ToString();
    }
}
