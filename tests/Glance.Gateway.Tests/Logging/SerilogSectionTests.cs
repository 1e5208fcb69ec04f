using System.Text.Json;
using System.Text.RegularExpressions;
using Glance.Gateway.Auditing;
using Glance.Gateway.Hosting;
using Glance.Gateway.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Serilog;
using Serilog.Context;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace Glance.Gateway.Tests.Logging;

/// <summary>
/// The Serilog binder (<see cref="SerilogSection"/>) over the shapes operators write: each
/// setting has the effect Serilog.Settings.Configuration gave it, seen in real files.
/// </summary>
public sealed class SerilogSectionTests : IDisposable
{
    private readonly LogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public void MinimumLevel_PlainLevel_DropsWhatIsBelowIt()
    {
        using (var logger = LogFolder.Create(LogFolder.Section(FileAt("app.log", new() { ["Serilog:MinimumLevel"] = "warning" }))))
        {
            logger.Information("info-event");
            logger.Warning("warning-event");
        }

        var text = string.Join('\n', _logs.Lines("app.log"));
        Assert.DoesNotContain("info-event", text, StringComparison.Ordinal);
        Assert.Contains("warning-event", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MinimumLevel_DefaultAndOverride_FilterBySourcePrefix()
    {
        var settings = FileAt("app.log", new()
        {
            ["Serilog:MinimumLevel:Default"] = "Debug",
            ["Serilog:MinimumLevel:Override:Noisy"] = "ERROR",
        });
        using (var logger = LogFolder.Create(LogFolder.Section(settings)))
        {
            logger.ForContext(Constants.SourceContextPropertyName, "App").Debug("app-debug");
            logger.ForContext(Constants.SourceContextPropertyName, "Noisy.Part").Warning("noisy-warning");
            logger.ForContext(Constants.SourceContextPropertyName, "Noisy").Error("noisy-error");
            logger.ForContext(Constants.SourceContextPropertyName, "NoisyNot").Debug("other-debug");
        }

        var text = string.Join('\n', _logs.Lines("app.log"));
        Assert.Contains("app-debug", text, StringComparison.Ordinal);
        Assert.DoesNotContain("noisy-warning", text, StringComparison.Ordinal);
        Assert.Contains("noisy-error", text, StringComparison.Ordinal);
        Assert.Contains("other-debug", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MinimumLevel_PlainValueOverTheFilesObjectForm_Wins()
    {
        // config/serilog.json's object form, with Serilog__MinimumLevel=Error from the environment over it.
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream("""{ "Serilog": { "MinimumLevel": { "Default": "Information", "Override": { "Noisy": "Fatal" } } } }"""u8.ToArray()))
            .AddInMemoryCollection(FileAt("app.log", new() { ["Serilog:MinimumLevel"] = "Error" }))
            .Build();
        using (var logger = LogFolder.Create(configuration.GetSection("Serilog")))
        {
            logger.Warning("warning-event");
            logger.Error("error-event");
            logger.ForContext(Constants.SourceContextPropertyName, "Noisy").Error("noisy-error");
        }

        var text = string.Join('\n', _logs.Lines("app.log"));
        Assert.DoesNotContain("warning-event", text, StringComparison.Ordinal);
        Assert.Contains("error-event", text, StringComparison.Ordinal);
        Assert.DoesNotContain("noisy-error", text, StringComparison.Ordinal);
    }

    [Fact]
    public void File_WithoutTemplate_WritesTheSinksOwnDefaultLine()
    {
        var at = new DateTimeOffset(2026, 12, 1, 13, 14, 15, 16, TimeSpan.FromHours(2));
        var logEvent = new LogEvent(at, LogEventLevel.Warning, null, new MessageTemplateParser().Parse("Hello {Name}"), [new LogEventProperty("Name", new ScalarValue("x"))]);
        using (var ours = LogFolder.Create(LogFolder.Section(FileAt("ours.log", []))))
        using (var theirs = new LoggerConfiguration().WriteTo.File(_logs.PathOf("theirs.log")).CreateLogger())
        {
            ours.Write(logEvent);
            theirs.Write(logEvent);
        }

        Assert.Equal(_logs.Lines("theirs.log"), _logs.Lines("ours.log"));
        Assert.Equal("2026-12-01 13:14:15.016 +02:00 [WRN] Hello x", Assert.Single(_logs.Lines("ours.log")));
    }

    [Fact]
    public void File_OutputTemplateAndRestrictedLevel_AreApplied()
    {
        var settings = FileAt("app.log", new()
        {
            ["Serilog:WriteTo:0:Args:outputTemplate"] = "{Level:u3}|{Message:lj}{NewLine}",
            ["Serilog:WriteTo:0:Args:restrictedToMinimumLevel"] = "Warning",
        });
        using (var logger = LogFolder.Create(LogFolder.Section(settings)))
        {
            logger.Information("dropped {Count}", 1);
            logger.Warning("kept {Count} {Ratio}", 2, 1.5);
        }

        Assert.Equal(["WRN|kept 2 1.5"], _logs.Lines("app.log"));
    }

    [Fact]
    public void File_RollingInterval_PutsThePeriodInTheName()
    {
        using (var logger = LogFolder.Create(LogFolder.Section(FileAt("app-.log", new() { ["Serilog:WriteTo:0:Args:rollingInterval"] = "day" }))))
        {
            logger.Information("one");
        }

        var file = Assert.Single(_logs.Files("app-*.log"));
        Assert.Matches(new Regex(@"^app-\d{8}\.log$"), file);
    }

    [Theory]
    [InlineData("2", 2)]
    [InlineData("null", 0)]
    [InlineData("", 0)]
    public void File_RollsOnSize_KeepingRetainedFileCountLimitFiles(string retained, int expected)
    {
        var settings = FileAt("app.log", new()
        {
            ["Serilog:WriteTo:0:Args:fileSizeLimitBytes"] = "300",
            ["Serilog:WriteTo:0:Args:rollOnFileSizeLimit"] = "true",
            ["Serilog:WriteTo:0:Args:retainedFileCountLimit"] = retained,
        });
        using (var logger = LogFolder.Create(LogFolder.Section(settings)))
        {
            for (var i = 0; i < 30; i++)
            {
                logger.Information("event {Index} with some words to fill the file", i);
            }
        }

        var files = _logs.Files("app*.log");
        if (expected > 0)
        {
            Assert.Equal(expected, files.Length);
        }
        else
        {
            Assert.True(files.Length > 5, string.Join(", ", files)); // none deleted: about 10 files of 300 bytes
        }
    }

    [Theory]
    [InlineData("500", true)]
    [InlineData("null", false)]
    [InlineData("", false)]
    [InlineData(" NULL ", false)]
    public void File_SizeLimit_StopsTheFile_UnlessNone(string limit, bool limited)
    {
        var settings = FileAt("app.log", new() { ["Serilog:WriteTo:0:Args:fileSizeLimitBytes"] = limit });
        using (var logger = LogFolder.Create(LogFolder.Section(settings)))
        {
            for (var i = 0; i < 50; i++)
            {
                logger.Information("event {Index} with some words to fill the file", i);
            }
        }

        // The sink refuses a write once the file has reached the limit (the last one may cross it).
        var length = new FileInfo(_logs.PathOf("app.log")).Length;
        Assert.Equal(limited, length < 1000);
        Assert.Single(_logs.Files("app*.log"));
    }

    [Fact]
    public void File_JsonNullSizeLimit_IsNone()
    {
        var json = $$"""
            { "Serilog": { "WriteTo": [ { "Name": "File", "Args": { "path": "{{LogFolder.JsonPath(_logs.PathOf("app.log"))}}", "fileSizeLimitBytes": null, "retainedFileCountLimit": null } } ] } }
            """;
        using (var logger = LogFolder.Create(LogFolder.Json(json)))
        {
            for (var i = 0; i < 50; i++)
            {
                logger.Information("event {Index} with some words to fill the file", i);
            }
        }

        Assert.Equal(50, _logs.Lines("app.log").Length);
    }

    [Fact]
    public void File_Buffered_KeepsEventsInMemoryUntilClosed_FlushToDiskIntervalWritesThemOut()
    {
        var held = FileAt("held.log", new() { ["Serilog:WriteTo:0:Args:buffered"] = "true" });
        var flushed = FileAt("flushed.log", new() { ["Serilog:WriteTo:0:Args:buffered"] = "true", ["Serilog:WriteTo:0:Args:flushToDiskInterval"] = "00:00:00.100" });
        using var heldLogger = LogFolder.Create(LogFolder.Section(held));
        using var flushedLogger = LogFolder.Create(LogFolder.Section(flushed));
        heldLogger.Information("held-event");
        flushedLogger.Information("flushed-event");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Support.GatewayHost.SharedRead(_logs.PathOf("flushed.log")).Contains("flushed-event", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.Contains("flushed-event", Support.GatewayHost.SharedRead(_logs.PathOf("flushed.log")), StringComparison.Ordinal);
        Assert.Equal("", Support.GatewayHost.SharedRead(_logs.PathOf("held.log")));
        heldLogger.Dispose();
        Assert.Contains("held-event", Support.GatewayHost.SharedRead(_logs.PathOf("held.log")), StringComparison.Ordinal);
    }

    [Fact]
    public void File_Shared_TwoPipelinesAppendToOneFile()
    {
        var settings = FileAt("shared.log", new() { ["Serilog:WriteTo:0:Args:shared"] = "true" });
        using (var first = LogFolder.Create(LogFolder.Section(settings)))
        using (var second = LogFolder.Create(LogFolder.Section(settings)))
        {
            first.Information("from-first");
            second.Information("from-second");
            first.Information("first-again");
        }

        var text = string.Join('\n', _logs.Lines("shared.log"));
        Assert.Contains("from-first", text, StringComparison.Ordinal);
        Assert.Contains("from-second", text, StringComparison.Ordinal);
        Assert.Contains("first-again", text, StringComparison.Ordinal);
    }

    [Fact]
    public void File_EveryDocumentedSetting_IsAccepted()
    {
        var settings = FileAt("all-.log", new()
        {
            ["Serilog:WriteTo:0:Args:formatter"] = "Serilog.Formatting.Compact.CompactJsonFormatter, Serilog.Formatting.Compact",
            ["Serilog:WriteTo:0:Args:restrictedToMinimumLevel"] = "Information",
            ["Serilog:WriteTo:0:Args:rollingInterval"] = "Hour",
            ["Serilog:WriteTo:0:Args:fileSizeLimitBytes"] = "104857600",
            ["Serilog:WriteTo:0:Args:rollOnFileSizeLimit"] = "True",
            ["Serilog:WriteTo:0:Args:retainedFileCountLimit"] = "1000",
            ["Serilog:WriteTo:0:Args:retainedFileTimeLimit"] = "30.00:00:00",
            ["Serilog:WriteTo:0:Args:buffered"] = "false",
            ["Serilog:WriteTo:0:Args:shared"] = "false",
            ["Serilog:WriteTo:0:Args:flushToDiskInterval"] = "00:00:01",
        });
        using (var logger = LogFolder.Create(LogFolder.Section(settings)))
        {
            logger.Information("every-setting");
        }

        var file = Assert.Single(_logs.Files("all-*.log"));
        Assert.Equal("every-setting", JsonDocument.Parse(Assert.Single(_logs.Lines(file))).RootElement.GetProperty("@mt").GetString());
    }

    [Theory]
    [InlineData("Glance.Gateway.Auditing.AuditJsonFormatter, Glance.Gateway", "@l", "@mt")]
    [InlineData("Glance.Gateway.Auditing.AuditJsonFormatter", "@l", "@mt")]
    [InlineData("Serilog.Formatting.Compact.CompactJsonFormatter, Serilog.Formatting.Compact", "@mt", "@m")]
    [InlineData("Serilog.Formatting.Compact.CompactJsonFormatter", "@mt", "@m")]
    [InlineData("Serilog.Formatting.Compact.RenderedCompactJsonFormatter, Serilog.Formatting.Compact", "@m", "@mt")]
    [InlineData("Serilog.Formatting.Compact.RenderedCompactJsonFormatter", "@m", "@mt")]
    [InlineData("Serilog.Formatting.Json.JsonFormatter, Serilog", "MessageTemplate", "@mt")]
    [InlineData(" Serilog.Formatting.Json.JsonFormatter ", "MessageTemplate", "@mt")]
    public void Formatter_EachOfTheTable_WritesItsFormat(string formatter, string present, string absent)
    {
        using (var logger = LogFolder.Create(LogFolder.Section(FileAt("app.json", new() { ["Serilog:WriteTo:0:Args:formatter"] = formatter }))))
        {
            logger.Warning("formatted {Value}", 42);
        }

        var json = JsonDocument.Parse(Assert.Single(_logs.Lines("app.json"))).RootElement;
        Assert.True(json.TryGetProperty(present, out _), json.ToString());
        Assert.False(json.TryGetProperty(absent, out _), json.ToString());
        var value = json.TryGetProperty("Properties", out var properties) ? properties.GetProperty("Value") : json.GetProperty("Value");
        Assert.Equal(42, value.GetInt32());
    }

    [Fact]
    public void Async_QueuesForEverySinkOfItsConfigureList_NestedToo()
    {
        var json = $$"""
            {
              "Serilog": {
                "WriteTo": [
                  {
                    "Name": "Async",
                    "Args": {
                      "bufferSize": 16,
                      "blockWhenFull": true,
                      "configure": [
                        { "Name": "File", "Args": { "path": "{{LogFolder.JsonPath(_logs.PathOf("a.log"))}}" } },
                        { "Name": "async", "Args": { "configure": [ { "Name": "file", "Args": { "path": "{{LogFolder.JsonPath(_logs.PathOf("b.log"))}}" } } ] } }
                      ]
                    }
                  }
                ]
              }
            }
            """;
        using (var logger = LogFolder.Create(LogFolder.Json(json)))
        {
            for (var i = 0; i < 100; i++)
            {
                logger.Information("queued {Index}", i);
            }
        }

        Assert.Equal(100, _logs.Lines("a.log").Length);
        Assert.Equal(100, _logs.Lines("b.log").Length);
    }

    [Fact]
    public void WriteTo_AsAnObjectOfEntries_WritesToEach()
    {
        var json = $$"""
            {
              "Serilog": {
                "WriteTo": {
                  "first": { "Name": "File", "Args": { "path": "{{LogFolder.JsonPath(_logs.PathOf("first.log"))}}" } },
                  "second": { "Name": "File", "Args": { "path": "{{LogFolder.JsonPath(_logs.PathOf("second.log"))}}" } }
                }
              }
            }
            """;
        using (var logger = LogFolder.Create(LogFolder.Json(json)))
        {
            logger.Information("to-both");
        }

        Assert.Contains("to-both", Assert.Single(_logs.Lines("first.log")), StringComparison.Ordinal);
        Assert.Contains("to-both", Assert.Single(_logs.Lines("second.log")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EnrichFromLogContext_AddsPushedProperties_OnlyWhenConfigured(bool enrich)
    {
        var settings = FileAt("app.json", new() { ["Serilog:WriteTo:0:Args:formatter"] = "Serilog.Formatting.Compact.CompactJsonFormatter" });
        if (enrich)
        {
            settings["Serilog:Enrich:0"] = "FromLogContext";
        }

        using (var logger = LogFolder.Create(LogFolder.Section(settings)))
        using (LogContext.PushProperty("RequestId", "req-7"))
        {
            logger.Information("in context");
        }

        var json = JsonDocument.Parse(Assert.Single(_logs.Lines("app.json"))).RootElement;
        Assert.Equal(enrich, json.TryGetProperty("RequestId", out var id) && id.GetString() == "req-7");
    }

    [Fact]
    public void EnrichByName_AndProperties_AddConstantProperties_UsingIsIgnored()
    {
        var json = $$"""
            {
              "Serilog": {
                "Using": [ "Serilog.Sinks.File", "Serilog.Formatting.Compact" ],
                "Enrich": [ { "Name": "FromLogContext" } ],
                "Properties": { "Application": "glance-gateway", "Site": "dc1" },
                "WriteTo": [ { "Name": "File", "Args": { "path": "{{LogFolder.JsonPath(_logs.PathOf("app.json"))}}", "formatter": "Serilog.Formatting.Compact.CompactJsonFormatter" } } ]
              }
            }
            """;
        using (var logger = LogFolder.Create(LogFolder.Json(json)))
        using (LogContext.PushProperty("RequestId", "req-8"))
        {
            logger.Information("with properties");
        }

        var line = JsonDocument.Parse(Assert.Single(_logs.Lines("app.json"))).RootElement;
        Assert.Equal("glance-gateway", line.GetProperty("Application").GetString());
        Assert.Equal("dc1", line.GetProperty("Site").GetString());
        Assert.Equal("req-8", line.GetProperty("RequestId").GetString());
    }

    [Fact]
    public void ApplicationLog_LeavesItsOwnPipelinesSectionsAlone()
    {
        var settings = FileAt("app.log", new()
        {
            ["Serilog:Audit:WriteTo:0:Name"] = "NotReadHere",
            ["Serilog:Access:Whatever"] = "x",
        });

        using (var logger = LogFolder.Create(LogFolder.Section(settings), "Audit", "Access"))
        {
            logger.Information("app-event");
        }

        Assert.Contains("app-event", Assert.Single(_logs.Lines("app.log")), StringComparison.Ordinal);
        Assert.Throws<GatewayConfigurationException>(() => LogFolder.Create(LogFolder.Section(settings)));
    }

    [Fact]
    public void MissingSection_ChangesNothing()
    {
        var events = new List<LogEvent>();
        var configuration = new LoggerConfiguration().WriteTo.Sink(new Collecting(events));

        Assert.Same(configuration, SerilogSection.Configure(configuration, LogFolder.Section(new Dictionary<string, string?>())));
        using (var logger = configuration.CreateLogger())
        {
            logger.Debug("below-the-default-level");
            logger.Information("at-the-default-level");
        }

        // Serilog's own defaults stand: Information and up, to the one sink given, nothing added.
        var written = Assert.Single(events);
        Assert.Equal("at-the-default-level", written.MessageTemplate.Text);
        Assert.Empty(written.Properties);
    }

    private sealed class Collecting(List<LogEvent> events) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => events.Add(logEvent);
    }

    [Theory]
    [InlineData("Audit")]
    [InlineData("Access")]
    public void ShippedSerilogJson_AuditAndAccess_WriteTheirQueuedJsonFile(string pipeline)
    {
        var shipped = ShippedFile("config/serilog.json");
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(shipped)
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Serilog:{pipeline}:WriteTo:0:Args:configure:0:Args:path"] = _logs.PathOf("events-.json") })
            .Build();
        using (var logger = LogFolder.Create(configuration.GetSection("Serilog:" + pipeline)))
        {
            logger.Debug("dropped");
            logger.Information("kept {EventId}", 9001);
        }

        var json = JsonDocument.Parse(Assert.Single(_logs.Lines(Assert.Single(_logs.Files("events-*.json"))))).RootElement;
        Assert.Equal("Information", json.GetProperty("@l").GetString());
        Assert.Equal(9001, json.GetProperty("EventId").GetInt32());
        Assert.False(json.TryGetProperty("@mt", out _));
    }

    [Theory]
    [InlineData("config/serilog.json")]
    [InlineData("appsettings.example.json")]
    public void ShippedFiles_ApplicationLogSection_IsAccepted(string file)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(ShippedFile(file)).Build();
        var section = configuration.GetSection("Serilog");

        using var logger = SerilogSection.Configure(new LoggerConfiguration(), section, "Audit", "Access").CreateLogger();
        SerilogSection.Configure(new LoggerConfiguration(), section.GetSection("Audit"));
        SerilogSection.Configure(new LoggerConfiguration(), section.GetSection("Access"));
        Assert.True(section.GetSection("WriteTo").Exists());
    }

    [Fact]
    public void AuditPipeline_SectionWithoutWriteTo_AppliesItsLevelToTheDefaultQueuedFile()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Serilog:Audit:MinimumLevel"] = "Error" }).Build();
        var environment = new HostingEnvironment { ContentRootPath = _logs.Root };
        using (var logger = AuditLoggerFactory.Pipeline(configuration, environment, AuditLoggerFactory.SectionName, "audit-.json"))
        {
            logger.Information("info-event");
            logger.Error("error-event");
        }

        var file = Assert.Single(Directory.GetFiles(Path.Combine(_logs.Root, "logs"), "audit-*.json"));
        var json = JsonDocument.Parse(Assert.Single(File.ReadAllLines(file))).RootElement;
        Assert.Equal("Error", json.GetProperty("@l").GetString());
    }

    [Fact]
    public void AuditPipeline_MisspelledWriteTo_StopsInsteadOfFallingBackToTheDefault()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Serilog:Audit:WritTo:0:Name"] = "File" }).Build();
        var environment = new HostingEnvironment { ContentRootPath = _logs.Root };

        var error = Assert.Throws<GatewayConfigurationException>(() => AuditLoggerFactory.Pipeline(configuration, environment, AuditLoggerFactory.SectionName, "audit-.json"));

        Assert.StartsWith("Serilog:Audit:WritTo is not a setting", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_logs.Root, "logs")));
    }

    private Dictionary<string, string?> FileAt(string name, Dictionary<string, string?> extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Serilog:WriteTo:0:Name"] = "File",
            ["Serilog:WriteTo:0:Args:path"] = _logs.PathOf(name),
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    // config/ is copied beside the test binaries; appsettings.example.json is at the repository's root above them.
    private static string ShippedFile(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(name + " not found above " + AppContext.BaseDirectory);
    }
}
