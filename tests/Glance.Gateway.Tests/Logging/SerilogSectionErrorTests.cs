using Glance.Testing;
using Glance.Gateway.Hosting;
using Glance.Gateway.Tests.Support;

namespace Glance.Gateway.Tests.Logging;

/// <summary>
/// What the binder refuses: anything it does not know stops start-up with one line that names
/// the setting's full configuration path and what is accepted, and no sink is created meanwhile.
/// </summary>
public sealed class SerilogSectionErrorTests : IDisposable
{
    private readonly LogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    [Theory]
    // Sinks and their entries.
    [InlineData("Serilog", "Serilog:WriteTo:0:Name=Fil", "Serilog:WriteTo:0:Name 'Fil' is not a sink the gateway knows; accepted: Console, File, Async, OpenTelemetry.")]
    [InlineData("Serilog", "Serilog:WriteTo:1:Args:path=x", "Serilog:WriteTo:1:Name is required: the sink's name; accepted: Console, File, Async, OpenTelemetry.")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Arg:path=x", "Serilog:WriteTo:0:Arg is not a setting of a sink entry; accepted: Name, Args.")]
    [InlineData("Serilog", "Serilog:WriteTo:1:Name=Console;Serilog:WriteTo:1:Args=x", "Serilog:WriteTo:1:Args must be a section of the Console sink's settings, not a value.")]
    [InlineData("Serilog:Audit", "Serilog:Audit:WriteTo=Console", "Serilog:Audit:WriteTo must be a list of sinks, such as [ { \"Name\": \"Console\" } ].")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:pth=x", "Serilog:WriteTo:0:Args:pth is not a setting of the File sink; accepted: path, formatter, outputTemplate, restrictedToMinimumLevel, rollingInterval, fileSizeLimitBytes, rollOnFileSizeLimit, retainedFileCountLimit, retainedFileTimeLimit, buffered, shared, flushToDiskInterval.")]
    [InlineData("Serilog", "Serilog:WriteTo:1:Name=Console;Serilog:WriteTo:1:Args:theme=Literate", "Serilog:WriteTo:1:Args:theme is not a setting of the Console sink; accepted: formatter, outputTemplate, restrictedToMinimumLevel, standardErrorFromLevel.")]
    // File.
    [InlineData("Serilog", "Serilog:WriteTo:1:Name=File", "Serilog:WriteTo:1:Args:path is required by the File sink")]
    [InlineData("Serilog", "Serilog:WriteTo:1:Name=File;Serilog:WriteTo:1:Args:path= ", "Serilog:WriteTo:1:Args:path is required by the File sink")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:fileSizeLimitBytes=100MB", "Serilog:WriteTo:0:Args:fileSizeLimitBytes must be a whole number from 1 to 9223372036854775807 (got '100MB').")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:fileSizeLimitBytes=0", "Serilog:WriteTo:0:Args:fileSizeLimitBytes must be a whole number from 1 to 9223372036854775807 (got '0').")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:retainedFileCountLimit=-1", "Serilog:WriteTo:0:Args:retainedFileCountLimit must be a whole number from 1 to 2147483647 (got '-1').")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:retainedFileCountLimit=1e3", "Serilog:WriteTo:0:Args:retainedFileCountLimit must be a whole number")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:rollingInterval=Daily", "Serilog:WriteTo:0:Args:rollingInterval 'Daily' is not a rolling interval; accepted: Infinite, Year, Month, Day, Hour, Minute.")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:rollingInterval=3", "Serilog:WriteTo:0:Args:rollingInterval '3' is not a rolling interval")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:rollOnFileSizeLimit=yes", "Serilog:WriteTo:0:Args:rollOnFileSizeLimit must be true or false (got 'yes').")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:flushToDiskInterval=5s", "Serilog:WriteTo:0:Args:flushToDiskInterval must be a positive time span such as 00:00:05 or 30.00:00:00 (got '5s').")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:retainedFileTimeLimit=00:00:00", "Serilog:WriteTo:0:Args:retainedFileTimeLimit must be a positive time span")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:buffered=true;Serilog:WriteTo:0:Args:shared=true", "Serilog:WriteTo:0:Args:shared cannot be true with buffered")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:formatter=Serilog.Formatting.Compact.CompactJsonFormatter;Serilog:WriteTo:0:Args:outputTemplate={Message}", "Serilog:WriteTo:0:Args:outputTemplate cannot be set with formatter: the File sink takes one or the other.")]
    // Formatters.
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:formatter=Serilog.Formatting.Compact.CompactJsonFormater", "Serilog:WriteTo:0:Args:formatter 'Serilog.Formatting.Compact.CompactJsonFormater' is not a formatter the gateway knows; accepted: Glance.Gateway.Auditing.AuditJsonFormatter, Glance.Gateway.Auditing.Cadf.CadfAuditFormatter, Serilog.Formatting.Compact.CompactJsonFormatter, Serilog.Formatting.Compact.RenderedCompactJsonFormatter, Serilog.Formatting.Json.JsonFormatter (each with or without its assembly name after a comma).")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:formatter=Serilog.Formatting.Compact.CompactJsonFormatter, Serilog", "Serilog:WriteTo:0:Args:formatter 'Serilog.Formatting.Compact.CompactJsonFormatter, Serilog' is not a formatter the gateway knows")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:formatter=Serilog.Templates.ExpressionTemplate, Serilog.Expressions", "Serilog:WriteTo:0:Args:formatter 'Serilog.Templates.ExpressionTemplate, Serilog.Expressions' is not a formatter the gateway knows")]
    // Levels.
    [InlineData("Serilog", "Serilog:MinimumLevel:Default=Informational", "Serilog:MinimumLevel:Default 'Informational' is not a level; accepted: Verbose, Debug, Information, Warning, Error, Fatal.")]
    [InlineData("Serilog", "Serilog:MinimumLevel:Override:Microsoft=Warn", "Serilog:MinimumLevel:Override:Microsoft 'Warn' is not a level; accepted: Verbose, Debug, Information, Warning, Error, Fatal.")]
    [InlineData("Serilog", "Serilog:MinimumLevel=3", "Serilog:MinimumLevel '3' is not a level")]
    [InlineData("Serilog", "Serilog:MinimumLevel:ControlledBy=$appSwitch", "Serilog:MinimumLevel:ControlledBy is not a setting of MinimumLevel; accepted: Default, Override.")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:restrictedToMinimumLevel=$appSwitch", "Serilog:WriteTo:0:Args:restrictedToMinimumLevel '$appSwitch' is not a level")]
    [InlineData("Serilog", "Serilog:WriteTo:0:Args:restrictedToMinimumLevel=", "Serilog:WriteTo:0:Args:restrictedToMinimumLevel '' is not a level")]
    [InlineData("Serilog", "Serilog:WriteTo:1:Name=Console;Serilog:WriteTo:1:Args:standardErrorFromLevel=Errors", "Serilog:WriteTo:1:Args:standardErrorFromLevel 'Errors' is not a level")]
    // Async, nested.
    [InlineData("Serilog", "Serilog:WriteTo:0:Name=Async", "Serilog:WriteTo:0:Args:path is not a setting of the Async sink; accepted: configure, bufferSize, blockWhenFull.")]
    [InlineData("Serilog", "Serilog:WriteTo:1:Name=Async;Serilog:WriteTo:1:Args:bufferSize=10", "Serilog:WriteTo:1:Args:configure is required by the Async sink: the list of sinks it queues events for.")]
    [InlineData("Serilog:Audit", "Serilog:Audit:WriteTo:1:Name=Async;Serilog:Audit:WriteTo:1:Args:configure:0:Name=Async;Serilog:Audit:WriteTo:1:Args:configure:0:Args:bufferSize=ten;Serilog:Audit:WriteTo:1:Args:configure:0:Args:configure:0:Name=Console", "Serilog:Audit:WriteTo:1:Args:configure:0:Args:bufferSize must be a whole number from 1 to 2147483647 (got 'ten').")]
    [InlineData("Serilog:Access", "Serilog:Access:WriteTo:1:Name=Async;Serilog:Access:WriteTo:1:Args:configure:0:Name=File;Serilog:Access:WriteTo:1:Args:configure:0:Args:path=a.json;Serilog:Access:WriteTo:1:Args:configure:0:Args:formater=x", "Serilog:Access:WriteTo:1:Args:configure:0:Args:formater is not a setting of the File sink")]
    [InlineData("Serilog:Access", "Serilog:Access:WriteTo:1:Name=Async;Serilog:Access:WriteTo:1:Args:configure:0:Name=Fille", "Serilog:Access:WriteTo:1:Args:configure:0:Name 'Fille' is not a sink the gateway knows")]
    // OpenTelemetry.
    [InlineData("Serilog", "Serilog:WriteTo:1:Name=OpenTelemetry;Serilog:WriteTo:1:Args:endpoint=localhost:4317", "Serilog:WriteTo:1:Args:endpoint must be an absolute http or https URL (got 'localhost:4317').")]
    [InlineData("Serilog", "Serilog:WriteTo:1:Name=OpenTelemetry;Serilog:WriteTo:1:Args:protocol=http", "Serilog:WriteTo:1:Args:protocol 'http' is not an OTLP protocol; accepted: Grpc, HttpProtobuf.")]
    [InlineData("Serilog", "Serilog:WriteTo:1:Name=OpenTelemetry;Serilog:WriteTo:1:Args:headers=Authorization", "Serilog:WriteTo:1:Args:headers must be name=value pairs separated by commas (got 'Authorization').")]
    [InlineData("Serilog", "Serilog:WriteTo:1:Name=OpenTelemetry;Serilog:WriteTo:1:Args:resourceAttributes=service.name=x", "Serilog:WriteTo:1:Args:resourceAttributes must be a section of name: value pairs.")]
    [InlineData("Serilog", "Serilog:WriteTo:1:Name=OpenTelemetry;Serilog:WriteTo:1:Args:includedData=None", "Serilog:WriteTo:1:Args:includedData is not a setting of the OpenTelemetry sink; accepted: endpoint, protocol, headers, resourceAttributes, restrictedToMinimumLevel.")]
    // The section itself: unknown keys, enrichers, properties.
    [InlineData("Serilog", "Serilog:Filter:0:Name=ByExcluding", "Serilog:Filter is not a setting of a Serilog section; accepted: MinimumLevel, WriteTo, Enrich, Properties, Using.")]
    [InlineData("Serilog", "Serilog:WritTo:0:Name=Console", "Serilog:WritTo is not a setting of a Serilog section")]
    [InlineData("Serilog", "Serilog:Enrich:0=WithMachineName", "Serilog:Enrich:0 'WithMachineName' is not an enricher the gateway knows; accepted: FromLogContext.")]
    [InlineData("Serilog", "Serilog:Enrich:0:Name=WithThreadId", "Serilog:Enrich:0:Name 'WithThreadId' is not an enricher the gateway knows; accepted: FromLogContext.")]
    [InlineData("Serilog", "Serilog:Enrich:0:Name=FromLogContext;Serilog:Enrich:0:Args:x=1", "Serilog:Enrich:0:Args is not a setting of an enricher; accepted: Name.")]
    [InlineData("Serilog", "Serilog:Properties:App:Name=x", "Serilog:Properties:App must be a single value, not a section.")]
    public void BadSetting_IsRefused_NamingItsPath_BeforeAnySinkIsCreated(string section, string settings, string expected)
    {
        // A valid file sink first (unless the case replaces WriteTo itself), then the case's settings.
        var all = new Dictionary<string, string?>();
        if (!settings.StartsWith(section + ":WriteTo=", StringComparison.Ordinal))
        {
            all[section + ":WriteTo:0:Name"] = "File";
            all[section + ":WriteTo:0:Args:path"] = _logs.PathOf("first.log");
        }

        foreach (var pair in settings.Split(';'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            all[pair[..equals]] = pair[(equals + 1)..];
        }

        var error = Assert.Throws<GatewayConfigurationException>(() => LogFolder.Create(LogFolder.Section(all, section)));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(File.Exists(_logs.PathOf("first.log")), "a sink was created before the error");
    }

    [Fact]
    public void ShippedQueueShape_WithABadNestedNumber_NamesTheFullPath()
    {
        const string json = """
            {
              "Serilog": {
                "Audit": {
                  "WriteTo": [
                    {
                      "Name": "Async",
                      "Args": {
                        "configure": [
                          { "Name": "Async", "Args": { "bufferSize": "10 000", "configure": [ { "Name": "Console" } ] } }
                        ]
                      }
                    }
                  ]
                }
              }
            }
            """;

        var error = Assert.Throws<GatewayConfigurationException>(() => LogFolder.Create(LogFolder.Json(json, "Serilog:Audit")));

        Assert.Equal("Serilog:Audit:WriteTo:0:Args:configure:0:Args:bufferSize must be a whole number from 1 to 2147483647 (got '10 000').", error.Message);
    }

    [Fact]
    public void JsonNull_WhereAValueIsNeeded_IsRefused()
    {
        const string json = """{ "Serilog": { "WriteTo": [ { "Name": "Async", "Args": { "bufferSize": null, "configure": [ { "Name": "Console" } ] } } ] } }""";

        var error = Assert.Throws<GatewayConfigurationException>(() => LogFolder.Create(LogFolder.Json(json)));

        Assert.Equal("Serilog:WriteTo:0:Args:bufferSize has no value.", error.Message);
    }

    [Theory]
    [InlineData("Serilog:Access:WriteTo:0:Name=File;Serilog:Access:WriteTo:0:Args:path=access.json;Serilog:Access:WriteTo:0:Args:formater=" + GatewayHost.AuditFormatter, "Serilog:Access:WriteTo:0:Args:formater is not a setting of the File sink")]
    [InlineData("Serilog:WriteTo:0:Args:restrictedToMinimumLevel=Informational", "Serilog:WriteTo:0:Args:restrictedToMinimumLevel 'Informational' is not a level")]
    [InlineData("Serilog:Audit:WriteTo:0:Name=File;Serilog:Audit:WriteTo:0:Args:path=audit.json;Serilog:Audit:WriteTo:0:Args:rollingInterval=Weekly", "Serilog:Audit:WriteTo:0:Args:rollingInterval 'Weekly' is not a rolling interval")]
    public async Task Gateway_WithABadLogSetting_DoesNotStart_AndSaysWhichOneInOneLine(string settings, string expected)
    {
        var all = settings.Split(';').ToDictionary(p => p[..p.IndexOf('=', StringComparison.Ordinal)], p => (string?)p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..]);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatewayHost.StartAsync(all));

        Assert.True(StartupFailure.IsConfigurationError(failure), failure.ToString());
        Assert.StartsWith(expected, StartupFailure.Describe(failure), StringComparison.Ordinal);
    }

    [Trait("Host", "Any")]
    [Theory]
    [InlineData("Serilog__WriteTo__0__Args__formatter", "Serilog.Formatting.Compact.CompactJsonFormatter, Serilog.Formatting.Compactt", "Serilog:WriteTo:0:Args:formatter 'Serilog.Formatting.Compact.CompactJsonFormatter, Serilog.Formatting.Compactt' is not a formatter the gateway knows")]
    [InlineData("Serilog__Audit__WriteTo__0__Args__configure__0__Args__bufferSiz", "1", "Serilog:Audit:WriteTo:0:Args:configure:0:Args:bufferSiz is not a setting of the File sink")]
    [InlineData("Serilog__Access__WriteTo__0__Args__bufferSize", "0", "Serilog:Access:WriteTo:0:Args:bufferSize must be a whole number from 1 to 2147483647 (got '0').")]
    public async Task GatewayProcess_BadLogSettingOverTheShippedFile_ExitsWithCode2AndOneLine_NoStackTrace(string variable, string value, string expected)
    {
        var (exitCode, stdout, stderr) = await GatewayProcess.RunToExitAsync(
            new Dictionary<string, string?>
            {
                ["ImageStore:Enabled"] = "false",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["Gateway:ConfigPath"] = Path.Combine(AppContext.BaseDirectory, "config"),
                [variable] = value,
            },
            _logs.Root,
            GatewayHost.Executable);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("glance-gateway: configuration error: " + expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_logs.Root, "logs")), "a log file was created");
    }
}
