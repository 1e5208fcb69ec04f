using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glance.Policy.Tests.Oslo;

/// <summary>
/// Runs Debian's Python 3 with oslo.policy 4.0 and Glance 25.1 (/usr/lib/python3/dist-packages):
/// one process per call, the input as JSON on stdin, the answer as one JSON document on stdout.
/// stderr is collected but only shown when the process fails (oslo.policy logs every check string it
/// cannot parse there). When the interpreter or a module is missing the test fails with the reason:
/// these comparisons are the point of the tests, so they are never skipped.
/// </summary>
internal static class OsloPython
{
    /// <summary>Debian's interpreter; the first python3 on PATH may be another one without these modules.</summary>
    public const string Interpreter = "/usr/bin/python3";

    // Prepended to every script: the imports the comparisons need, failing with a clear reason.
    private const string Prelude = """
        import json, logging, sys, warnings
        warnings.simplefilter('ignore')
        logging.disable(logging.CRITICAL)
        try:
            from oslo_policy import _parser, _checks, policy
            from oslo_config import cfg
        except ImportError as e:
            sys.stderr.write('MISSING: oslo.policy is not importable by /usr/bin/python3 (apt-get install python3-oslo.policy): %s\n' % e)
            sys.exit(3)
        data = json.load(sys.stdin)

        """;

    /// <summary>Runs <paramref name="script"/> (which reads <c>data</c> and prints one JSON document) over <paramref name="input"/>.</summary>
    public static JsonNode Run(string script, JsonNode input, TimeSpan? timeout = null)
    {
        if (!File.Exists(Interpreter))
        {
            Assert.Fail($"{Interpreter} does not exist: install Debian's python3 with python3-oslo.policy and python3-glance to compare with oslo.policy.");
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
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Prelude + script);
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        start.Environment["PYTHONHASHSEED"] = "0";
        start.Environment.Remove("PYTHONPATH");
        start.Environment.Remove("PYTHONHOME");

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Interpreter}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input.ToJsonString());
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Interpreter} did not finish in time; stderr: {Tail(stderr.Result)}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Assert.Fail($"{Interpreter} exited with {process.ExitCode}: {Tail(stderr.Result)}");
        }

        try
        {
            return JsonNode.Parse(stdout.Result) ?? throw new JsonException("null document");
        }
        catch (JsonException ex)
        {
            Assert.Fail($"{Interpreter} printed no JSON document ({ex.Message}); stdout: {Tail(stdout.Result)}; stderr: {Tail(stderr.Result)}");
            throw;
        }
    }

    /// <summary>Runs a command (no stdin) and returns its stdout; fails the test when it cannot run or exits non-zero.</summary>
    public static string RunCommand(string path, params string[] arguments)
    {
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} does not exist: install Debian's python3-oslo.policy and python3-glance.");
        }

        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("PYTHONPATH");
        start.Environment.Remove("PYTHONHOME");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {path}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{path} did not finish in time");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Assert.Fail($"{path} {string.Join(' ', arguments)} exited with {process.ExitCode}: {Tail(stderr.Result)}");
        }

        return stdout.Result;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];
}
