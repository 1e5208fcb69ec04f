using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Glance.ImageStore.Tests.Support;

/// <summary>
/// Runs Routing/glance_router.py with Debian's Python 3 and Glance 25.1
/// (/usr/lib/python3/dist-packages): one process per call, the request as JSON on stdin, one JSON
/// document on stdout. When the interpreter or Glance is missing the test fails with the reason:
/// the comparison with Glance's own router is the point of these tests, so they are never skipped.
/// </summary>
public static class GlancePython
{
    /// <summary>Debian's interpreter; the first python3 on PATH may be another one without Glance.</summary>
    public const string Interpreter = "/usr/bin/python3";

    public static JsonNode Run(string mode, JsonNode? cases = null)
    {
        if (!File.Exists(Interpreter))
        {
            Assert.Fail($"{Interpreter} does not exist: install Debian's python3 with python3-glance and glance-api (the paste pipeline) to compare with Glance's router.");
        }

        var script = Path.Combine(AppContext.BaseDirectory, "Routing", "glance_router.py");
        if (!File.Exists(script))
        {
            Assert.Fail($"{script} is missing from the test output.");
        }

        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(script);
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        start.Environment["PYTHONHASHSEED"] = "0";
        start.Environment.Remove("PYTHONPATH");
        start.Environment.Remove("PYTHONHOME");

        var input = new JsonObject { ["mode"] = mode, ["cases"] = cases };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Interpreter}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input.ToJsonString());
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(180)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Interpreter} glance_router.py {mode} did not finish in time; stderr: {Tail(stderr.Result)}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Assert.Fail($"{Interpreter} glance_router.py {mode} exited with {process.ExitCode}: {Tail(stderr.Result)}");
        }

        var node = JsonNode.Parse(stdout.Result);
        Assert.True(node is not null, $"glance_router.py {mode} printed no JSON document; stderr: {Tail(stderr.Result)}");
        return node!;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];
}
