namespace Glance.Gateway.Tests.Logging;

/// <summary>The console is the process's: the tests that capture it run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleAlone
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Logging console (alone)";
}

/// <summary>The Console sink as the binder configures it: template or formatter, levels, stderr.</summary>
[Collection(ConsoleAlone.Name)]
public sealed class SerilogConsoleTests
{
    [Fact]
    public void Console_ByNameAlone_WritesWithItsDefaultTemplate()
    {
        var (output, _) = Capture(new() { ["Serilog:WriteTo:0"] = "Console" }, logger => logger.Warning("plain-name-event"));

        Assert.Contains("plain-name-event", output, StringComparison.Ordinal);
        Assert.Contains("WRN", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Console_OutputTemplateAndRestrictedLevel_AreApplied()
    {
        var (output, errors) = Capture(
            new()
            {
                ["Serilog:WriteTo:0:Name"] = "console",
                ["Serilog:WriteTo:0:Args:outputTemplate"] = "{Level:u3}!{Message:lj}{NewLine}",
                ["Serilog:WriteTo:0:Args:restrictedToMinimumLevel"] = "Warning",
            },
            logger =>
            {
                logger.Information("dropped-event");
                logger.Error("kept-event");
            });

        Assert.Contains("ERR!kept-event", output, StringComparison.Ordinal);
        Assert.DoesNotContain("dropped-event", output, StringComparison.Ordinal);
        Assert.Equal("", errors);
    }

    [Fact]
    public void Console_FormatterAndStandardErrorFromLevel_JsonLinesSplitByLevel()
    {
        var (output, errors) = Capture(
            new()
            {
                ["Serilog:WriteTo:0:Name"] = "Console",
                ["Serilog:WriteTo:0:Args:formatter"] = "Glance.Gateway.Auditing.AuditJsonFormatter, Glance.Gateway",
                ["Serilog:WriteTo:0:Args:standardErrorFromLevel"] = "Error",
            },
            logger =>
            {
                logger.Information("to-stdout {Where}", "out");
                logger.Error("to-stderr {Where}", "err");
            });

        var stdout = System.Text.Json.JsonDocument.Parse(output).RootElement;
        var stderr = System.Text.Json.JsonDocument.Parse(errors).RootElement;
        Assert.Equal("out", stdout.GetProperty("Where").GetString());
        Assert.Equal("err", stderr.GetProperty("Where").GetString());
    }

    private static (string Output, string Errors) Capture(Dictionary<string, string?> settings, Action<Serilog.ILogger> write)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var (stdout, stderr) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(errors);
        try
        {
            using var logger = LogFolder.Create(LogFolder.Section(settings));
            write(logger);
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }

        return (output.ToString(), errors.ToString());
    }
}
