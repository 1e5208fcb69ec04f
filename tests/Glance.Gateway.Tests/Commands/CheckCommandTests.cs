using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glance.Testing;

namespace Glance.Gateway.Tests.Commands;

/// <summary>
/// <c>glance-gateway check</c>: 0 on the shipped config; 2 with one line for each kind of bad file
/// or setting start-up would refuse; 1 for the policy's rule problems that start-up only logs.
/// </summary>
public sealed class CheckCommandTests
{
    [Fact]
    public async Task Check_ShippedConfig_ExitsZeroAndSaysOk()
    {
        var (exit, output, error) = await CommandRun.RunAsync("check", "--config", CommandRun.ShippedConfig);

        Assert.True(exit == 0, output + error);
        Assert.StartsWith("check: ok", output, StringComparison.Ordinal);
        Assert.Contains("options", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_RoutesFileNotJson_ExitsTwoWithOneRoutesLine()
    {
        using var run = new CommandRun();
        File.WriteAllText(Path.Combine(run.Config, "reverse-proxy.json"), "{ \"ReverseProxy\": { \"Routes\": ");

        var (exit, output, _) = await CommandRun.RunAsync("check", "--config", run.Config);

        Assert.Equal(2, exit);
        Assert.Single(ProblemLines(output));
        Assert.StartsWith("error: routes: ", ProblemLines(output)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ImageRouteWithPathTransform_ExitsTwoNamingTheFailClosedRule()
    {
        using var run = new CommandRun();
        var path = Path.Combine(run.Config, "reverse-proxy.json");
        var routes = JsonNode.Parse(File.ReadAllText(path))!;
        routes["ReverseProxy"]!["Routes"]!["glance-v2"]!["Transforms"]!.AsArray().Add(new JsonObject { ["PathPrefix"] = "/elsewhere" });
        File.WriteAllText(path, routes.ToJsonString());

        var (exit, output, _) = await CommandRun.RunAsync("check", "--config", run.Config);

        Assert.Equal(2, exit);
        var line = Assert.Single(ProblemLines(output));
        Assert.Contains("glance-v2", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_RouteNamingAMissingCluster_ExitsTwoWithYarpsValidation()
    {
        using var run = new CommandRun();
        var path = Path.Combine(run.Config, "reverse-proxy.json");
        var routes = JsonNode.Parse(File.ReadAllText(path))!;
        routes["ReverseProxy"]!["Routes"]!["extra"] = new JsonObject
        {
            ["ClusterId"] = "nowhere",
            ["Match"] = new JsonObject { ["Path"] = "/extra/{**rest}" },
        };
        File.WriteAllText(path, routes.ToJsonString());

        var (exit, output, _) = await CommandRun.RunAsync("check", "--config", run.Config);

        Assert.Equal(2, exit);
        Assert.Contains(ProblemLines(output), line => line.StartsWith("error: routes: ", StringComparison.Ordinal) && line.Contains("nowhere", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_SerilogLevelUnknown_ExitsTwoWithOneSerilogLine()
    {
        using var run = new CommandRun();
        File.WriteAllText(Path.Combine(run.Config, "serilog.json"), """{"Serilog": {"MinimumLevel": "Loudest"}}""");

        var (exit, output, _) = await CommandRun.RunAsync("check", "--config", run.Config);

        Assert.Equal(2, exit);
        var line = Assert.Single(ProblemLines(output));
        Assert.StartsWith("error: serilog: ", line, StringComparison.Ordinal);
        Assert.Contains("Loudest", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_PolicyFileNeitherYamlNorJson_ExitsTwoWithOnePolicyLine()
    {
        using var run = new CommandRun();
        File.WriteAllText(Path.Combine(run.Config, "policy.yaml"), "get_image: [unclosed\n  - : :");

        var (exit, output, _) = await CommandRun.RunAsync("check", "--config", run.Config);

        Assert.Equal(2, exit);
        var line = Assert.Single(ProblemLines(output));
        Assert.StartsWith("error: policy: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_PolicyRuleNamingNoRule_ExitsOneWithAWarningNamingTheRule()
    {
        using var run = new CommandRun();
        File.WriteAllText(Path.Combine(run.Config, "policy.yaml"), "get_image: \"rule:admin_requried\"\n");

        var (exit, output, _) = await CommandRun.RunAsync("check", "--config", run.Config);

        Assert.Equal(1, exit);
        var line = Assert.Single(ProblemLines(output));
        Assert.StartsWith("warning: policy: rule get_image: rule:admin_requried names no rule", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ConfiguredCandidatePolicyWithAProblem_IsCheckedToo()
    {
        using var run = new CommandRun();
        var candidate = run.Write("candidate.yaml", "delete_image: \"role:admin or\"\n");
        var settings = new Dictionary<string, string?> { ["Policy:Candidate:File"] = candidate };

        var (exit, output, _) = await CommandRun.RunAsync(settings, "check", "--config", run.Config);

        Assert.Equal(1, exit);
        var line = Assert.Single(ProblemLines(output));
        Assert.StartsWith("warning: candidate policy: rule delete_image:", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UnknownOperationInEdgePolicyModes_ExitsTwoWithAnOptionsLine()
    {
        using var run = new CommandRun();
        var settings = new Dictionary<string, string?> { ["EdgePolicy:Operations:delete_imagez"] = "Enforce" };

        var (exit, output, _) = await CommandRun.RunAsync(settings, "check", "--config", run.Config);

        Assert.Equal(2, exit);
        var line = Assert.Single(ProblemLines(output));
        Assert.StartsWith("error: options: ", line, StringComparison.Ordinal);
        Assert.Contains("delete_imagez", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_TwoBadFiles_OneLineEach()
    {
        using var run = new CommandRun();
        File.WriteAllText(Path.Combine(run.Config, "serilog.json"), """{"Serilog": {"MinimumLevel": "Loudest"}}""");
        File.WriteAllText(Path.Combine(run.Config, "policy.yaml"), "[1, 2");

        var (exit, output, _) = await CommandRun.RunAsync("check", "--config", run.Config);

        Assert.Equal(2, exit);
        Assert.Equal(["serilog", "policy"], ProblemLines(output).Select(l => l.Split(": ")[1]));
    }

    [Fact]
    public async Task Check_Json_ListsProblemsWithSeverityAndSource()
    {
        using var run = new CommandRun();
        File.WriteAllText(Path.Combine(run.Config, "policy.yaml"), "get_image: \"rule:nope\"\n");

        var (exit, output, _) = await CommandRun.RunAsync("check", "--config", run.Config, "--json");

        Assert.Equal(1, exit);
        using var document = JsonDocument.Parse(output);
        Assert.False(document.RootElement.GetProperty("ok").GetBoolean());
        var problem = Assert.Single(document.RootElement.GetProperty("problems").EnumerateArray());
        Assert.Equal("warning", problem.GetProperty("severity").GetString());
        Assert.Equal("policy", problem.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Check_MissingConfigFolder_ExitsTwoOnStderr()
    {
        var (exit, output, error) = await CommandRun.RunAsync("check", "--config", Path.Combine(Path.GetTempPath(), "no-such-glance-config-" + Guid.NewGuid()));

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("glance-gateway: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UnknownOption_ExitsTwo()
    {
        var (exit, _, error) = await CommandRun.RunAsync("check", "--confg", "x");

        Assert.Equal(2, exit);
        Assert.Contains("unknown option --confg", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuiltBinary_CheckShippedConfigAndABrokenOne_ExitsZeroThenTwo()
    {
        using var run = new CommandRun();
        File.WriteAllText(Path.Combine(run.Config, "reverse-proxy.json"), "not json");

        var good = await RunBinaryAsync(run.Root, "check", "--config", CommandRun.ShippedConfig);
        var bad = await RunBinaryAsync(run.Root, "check", "--config", run.Config);

        Assert.True(good.Exit == 0, good.Output);
        Assert.StartsWith("check: ok", good.Output, StringComparison.Ordinal);
        Assert.Equal(2, bad.Exit);
        Assert.StartsWith("error: routes: ", bad.Output, StringComparison.Ordinal);
    }

    private static List<string> ProblemLines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error: ", StringComparison.Ordinal) || l.StartsWith("warning: ", StringComparison.Ordinal))];

    private static async Task<(int Exit, string Output)> RunBinaryAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(GatewayProcess.DefaultDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.Contains("__", StringComparison.Ordinal)))
        {
            start.Environment.Remove(key);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
