using System.Diagnostics;
using Glance.Gateway.EndToEnd.Tests.Support;

namespace Glance.Gateway.EndToEnd.Tests.Tempest;

/// <summary>One test's result as <c>tests/tempest/results.py</c> writes it, or as an expected-results file lists it.</summary>
public sealed record TempestResult(string Id, string Status, string Reason)
{
    /// <summary>What a listed test whose class's setUpClass failed reports: nothing.</summary>
    public const string NotRun = "notrun";

    /// <summary>The status and, for anything but a pass, the reason.</summary>
    public override string ToString() => Reason.Length == 0 ? Status : $"{Status} ({Reason})";

    /// <summary>
    /// The tab-separated lines of a results or expected-results file (<c>id, status[, reason]</c>);
    /// blank lines and <c>#</c> comments are skipped; a malformed line or a repeated id throws.
    /// </summary>
    public static IReadOnlyDictionary<string, TempestResult> ReadFile(string path)
    {
        var results = new Dictionary<string, TempestResult>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split('\t');
            if (parts.Length is < 2 or > 3 || parts[1] is not ("pass" or "skip" or "fail" or NotRun))
            {
                throw new FormatException($"{path}:{number}: expected '<id>\\t<pass|skip|fail|notrun>[\\t<reason>]', got: {line}");
            }

            if (!results.TryAdd(parts[0], new TempestResult(parts[0], parts[1], parts.Length == 3 ? parts[2] : string.Empty)))
            {
                throw new FormatException($"{path}:{number}: {parts[0]} is listed twice");
            }
        }

        return results;
    }
}

/// <summary>
/// One run of <c>tests/tempest/tempest.sh</c> toward an image endpoint behind a real Keystone: the
/// script registers the endpoint in that Keystone's catalog, runs the Tempest tests of the suite and
/// writes one result per test.
/// </summary>
public sealed class TempestRun : IDisposable
{
    /// <summary>How long one harness run may take (Tempest itself is given 25 minutes by the script; a run takes about one).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    private TempestRun(string workdir, IReadOnlyDictionary<string, TempestResult> results, TimeSpan elapsed, string summary)
    {
        Workdir = workdir;
        Results = results;
        Elapsed = elapsed;
        Summary = summary;
    }

    /// <summary>The harness's work directory (workspace, subunit stream, trace).</summary>
    public string Workdir { get; }

    /// <summary>Every test that reported a result, by id.</summary>
    public IReadOnlyDictionary<string, TempestResult> Results { get; }

    /// <summary>The wall time of the whole harness run (catalog, workspace, Tempest).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The script's summary line (counts and Tempest's own time).</summary>
    public string Summary { get; }

    /// <summary>The repository's tests/tempest folder.</summary>
    public static string Folder => Path.Combine(KeystoneServer.RepositoryRoot(), "tests", "tempest");

    /// <summary>
    /// Runs <c>tempest.sh run</c> for <paramref name="suite"/> (<c>api</c> or <c>rbac</c>) toward
    /// <paramref name="imageUrl"/> in <paramref name="mode"/> (<c>legacy</c> or <c>secure</c>); a harness
    /// failure (not a test failure) throws with the script's stderr.
    /// </summary>
    public static async Task<TempestRun> RunAsync(KeystoneServer keystone, Uri imageUrl, string mode, string suite)
    {
        ArgumentNullException.ThrowIfNull(keystone);
        ArgumentNullException.ThrowIfNull(imageUrl);
        var workdir = Directory.CreateTempSubdirectory($"glance-e2e-tempest-{suite}-").FullName;
        var arguments = new[]
        {
            "run", workdir, Path.Combine(keystone.Workdir, "keystone.env"), imageUrl.GetLeftPart(UriPartial.Authority), mode, suite,
        };
        var clock = Stopwatch.StartNew();
        var (exit, stdout, stderr) = await TestScript.RunAsync(Path.Combine(Folder, "tempest.sh"), arguments, Timeout);
        clock.Stop();
        if (exit != 0)
        {
            throw new InvalidOperationException($"tests/tempest/tempest.sh {string.Join(' ', arguments)} failed (exit {exit}):\n{stderr}");
        }

        return new TempestRun(workdir, TempestResult.ReadFile(Path.Combine(workdir, "results.txt")), clock.Elapsed,
            (stdout + stderr).Split('\n').LastOrDefault(line => line.StartsWith("tempest.sh: ", StringComparison.Ordinal)) ?? string.Empty);
    }

    /// <summary>The result of <paramref name="id"/>, or <see cref="TempestResult.NotRun"/> when it reported nothing.</summary>
    public TempestResult ResultOf(string id) =>
        Results.TryGetValue(id, out var result) ? result : new TempestResult(id, TempestResult.NotRun, "no result in this run");

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Workdir, recursive: true);
        }
        catch (IOException)
        {
            // Temporary anyway.
        }
    }
}
