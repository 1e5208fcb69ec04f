using System.Diagnostics;

namespace Glance.Gateway.EndToEnd.Tests.Support;

/// <summary>How a real Glance decides its policy (<c>tests/glance/glance.sh</c>'s third argument).</summary>
public enum GlanceRbac
{
    /// <summary>Glance 25's packaged defaults: enforce_secure_rbac, enforce_new_defaults, enforce_scope all false.</summary>
    Legacy,

    /// <summary>All three true (CONFORMANCE.md section 5).</summary>
    Secure,
}

/// <summary>
/// A real Glance 25.1 (Debian's glance-api, eventlet) started by <c>tests/glance/glance.sh</c> in a
/// temporary work directory, behind a real Keystone: SQLite database and file store in the work
/// directory, keystonemiddleware validating tokens with Keystone's glance-gateway service user.
/// </summary>
public sealed class GlanceServer : IAsyncDisposable
{
    /// <summary>How long <c>glance.sh start</c> may take (3-24 s; scripts/test.sh installed glance-api before).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private GlanceServer(string workdir, GlanceRbac mode, IReadOnlyDictionary<string, string> env)
    {
        Workdir = workdir;
        Mode = mode;
        Env = env;
    }

    /// <summary>The work directory (glance-api.conf, glance.db, images/, logs).</summary>
    public string Workdir { get; }

    /// <summary>The policy mode it was started in.</summary>
    public GlanceRbac Mode { get; }

    /// <summary>Every line of <c>glance.env</c>.</summary>
    public IReadOnlyDictionary<string, string> Env { get; }

    /// <summary>Glance's base URL (<c>http://127.0.0.1:PORT</c>).</summary>
    public string Url => Env["GLANCE_URL"];

    /// <summary>Glance's own log.</summary>
    public string LogPath => Path.Combine(Workdir, "glance-api.log");

    /// <summary>The repository's glance.sh.</summary>
    public static string ScriptPath => Path.Combine(KeystoneServer.RepositoryRoot(), "tests", "glance", "glance.sh");

    /// <summary>
    /// Runs <c>glance.sh start</c> in a new temporary work directory toward <paramref name="keystone"/>.
    /// A failure throws with the script's stderr, so that every test depending on it fails (never skips).
    /// </summary>
    /// <param name="keystone">The Keystone it validates tokens with.</param>
    /// <param name="mode">The policy mode.</param>
    /// <param name="policyFile">An operator's policy file, if any.</param>
    /// <param name="imageCache">An image cache (<c>GLANCE_IMAGE_CACHE=1</c>: image_cache_dir, flavor keystone+caching).</param>
    public static async Task<GlanceServer> StartAsync(KeystoneServer keystone, GlanceRbac mode, string? policyFile = null, bool imageCache = false)
    {
        ArgumentNullException.ThrowIfNull(keystone);
        var workdir = Directory.CreateTempSubdirectory($"glance-e2e-glance-{mode.ToString().ToLowerInvariant()}-").FullName;
        var arguments = new List<string>
        {
            "start", workdir, Path.Combine(keystone.Workdir, "keystone.env"), mode.ToString().ToLowerInvariant(),
        };
        if (policyFile is not null)
        {
            arguments.Add(policyFile);
        }

        var environment = new Dictionary<string, string> { ["GLANCE_IMAGE_CACHE"] = imageCache ? "1" : "0" };
        var (exit, _, stderr) = await TestScript.RunAsync(ScriptPath, arguments, StartTimeout, environment);
        if (exit != 0)
        {
            await TestScript.RunAsync(ScriptPath, ["stop", workdir], StopTimeout);
            throw new InvalidOperationException($"tests/glance/glance.sh {string.Join(' ', arguments)} failed (exit {exit}):\n{stderr}");
        }

        return new GlanceServer(workdir, mode, TestScript.ReadEnv(Path.Combine(workdir, "glance.env")));
    }

    /// <summary>Stops Glance (<c>glance.sh stop</c>): nothing listens on its port afterwards.</summary>
    public async Task StopAsync()
    {
        var (exit, _, stderr) = await TestScript.RunAsync(ScriptPath, ["stop", Workdir], StopTimeout);
        if (exit != 0)
        {
            throw new InvalidOperationException($"tests/glance/glance.sh stop {Workdir} failed (exit {exit}):\n{stderr}");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await TestScript.RunAsync(ScriptPath, ["stop", Workdir], StopTimeout);
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

/// <summary>Runs the repository's service scripts (keystone.sh, glance.sh) and reads the env files they write.</summary>
public static class TestScript
{
    /// <summary>Runs <c>bash SCRIPT ARGS...</c>; exit code -1 (and a note on stderr) when it outlived <paramref name="timeout"/>.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(
        string script, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await stdout, $"timed out after {timeout.TotalSeconds:0} s\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The <c>KEY=value</c> lines of an env file the scripts write.</summary>
    public static Dictionary<string, string> ReadEnv(string path) => File.ReadAllLines(path)
        .Select(line => line.Split('=', 2))
        .Where(parts => parts.Length == 2)
        .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
}
