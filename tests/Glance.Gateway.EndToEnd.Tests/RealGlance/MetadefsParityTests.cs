using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// <c>/v2/metadefs</c>, compared with a real Glance 25.1 by <c>tests/glance/metadefs/compare.py</c>
/// and its case files (operations, the 33 shipped namespaces, bad input, the secure mode): each
/// file against a fresh Glance of its own (started here, not the suite's shared ones, so that no
/// other test sees metadefs loaded) with Debian's shipped definitions loaded as
/// <c>glance-manage db_load_metadefs</c> loads them (in file name order, as the store loads its
/// embedded copy), and against a fresh gateway hosting its store in the same policy mode, both
/// with the same real tokens (<c>COMPARE_STORE_AUTH=token</c>). compare.py compares status,
/// Content-Type, Location and body (timestamps aside) and counts a 400 whose body is the store's
/// first line followed by jsonschema's report as the same (the store's one known difference); the
/// failure message lists every DIFF line it printed, one per differing case.
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class MetadefsParityTests(KeystoneFixture keystoneFixture)
{
    private const string ShippedDefinitions = "/usr/share/glance-common/metadefs";
    private static readonly TimeSpan CompareTimeout = TimeSpan.FromSeconds(300);

    // glance-manage db_load_metadefs with a folder loads its files in os.listdir order (the
    // directory's, not sorted): one glance-manage process here, with the listing sorted, so that
    // Glance's namespaces are created in the order the store creates its own (file name order). /usr/bin/python3: Debian's, glance-manage's own (python3 on PATH may be another).
    private const string LoadSorted = """
        import os, sys
        listdir = os.listdir
        os.listdir = lambda path: sorted(listdir(path))
        from glance.cmd import manage
        sys.argv = ['glance-manage', '--config-file', sys.argv[1], 'db_load_metadefs', sys.argv[2]]
        sys.exit(manage.main())
        """;

    private readonly KeystoneServer _keystone = keystoneFixture.Keystone;

    [Theory]
    [InlineData("operations.txt", GlanceRbac.Legacy)]
    [InlineData("shipped.txt", GlanceRbac.Legacy)]
    [InlineData("bad-input.txt", GlanceRbac.Legacy)]
    [InlineData("secure.txt", GlanceRbac.Secure)]
    public async Task Every_case_answers_as_Glance_does(string cases, GlanceRbac mode)
    {
        await using var glance = await GlanceServer.StartAsync(_keystone, mode);
        var load = await RunAsync("/usr/bin/python3", ["-c", LoadSorted, Path.Combine(glance.Workdir, "glance-api.conf"), ShippedDefinitions]);
        Assert.True(load.Exit == 0, $"db_load_metadefs failed (exit {load.Exit}):\n{load.Stderr}");

        await using var redis = await RedisServer.SharedOrNewAsync();
        var secure = mode == GlanceRbac.Secure ? "true" : "false";
        await using var gateway = await EndToEndGateway.StartAsync(_keystone, redis, new Dictionary<string, string?>
        {
            ["Policy:EnforceNewDefaults"] = secure,
            ["Policy:EnforceScope"] = secure,
        });

        var folder = Path.Combine(KeystoneServer.RepositoryRoot(), "tests", "glance", "metadefs");
        var (exit, stdout, stderr) = await RunAsync(
            "/usr/bin/python3",
            [Path.Combine(folder, "compare.py"), glance.Url, gateway.Client.BaseAddress!.ToString().TrimEnd('/'),
                Path.Combine(_keystone.Workdir, "keystone.env"), Path.Combine(folder, cases)],
            new Dictionary<string, string> { ["COMPARE_STORE_AUTH"] = "token" });

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var summary = lines.LastOrDefault() ?? "";
        var differences = lines.Where(line => !line.StartsWith("SAME", StringComparison.Ordinal) && line != summary).ToList();
        Assert.True(exit == 0 && differences.Count == 0 && summary.EndsWith(" same, 0 different", StringComparison.Ordinal),
            $"compare.py {cases} (exit {exit}): {summary}\n{string.Join('\n', differences)}\n{stderr}");
        var same = int.Parse(summary.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var cased = File.ReadLines(Path.Combine(folder, cases)).Count(line => line.Trim().Length > 0 && !line.StartsWith('#'));
        Assert.Equal(cased, same);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(
        string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new System.Diagnostics.ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(CompareTimeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await stdout, $"timed out after {CompareTimeout.TotalSeconds:0} s\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
