using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Glance.Gateway;
using Glance.Testing;

namespace Glance.Gateway.Tests.Support;

/// <summary>
/// One real gateway on a free loopback port, with its own temporary folder: a copy of the
/// repository's config/ (routes, dev tokens), the hosted store's data, the application log and the
/// audit file. Nothing is shared with another test. In process by default; with
/// <see cref="ExecutableVariable"/> set (the test command sets it to the native binary it
/// published) the same settings start that executable as a process of its own, configured
/// through its environment, and a test that needs the gateway's insides (a fake clock, its
/// services) is refused: such tests carry <c>[Trait("Host", "InProcess")]</c> and are left out
/// of the test command's run against the binary.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    /// <summary>The environment variable naming the gateway executable to test instead of the gateway in process.</summary>
    public const string ExecutableVariable = "GLANCE_GATEWAY_UNDER_TEST";

    private readonly WebApplication? _app;
    private readonly GatewayProcess? _process;
    private readonly int _startupAccessEvents;
    private int _stopped;

    private GatewayHost(WebApplication? app, GatewayProcess? process, string root)
    {
        _app = app;
        _process = process;
        Root = root;
        _startupAccessEvents = process is null ? 0 : AuditEvent.ReadAll(AccessPath).Count;
        Address = app is not null ? new Uri(app.Urls.First()) : process!.Address;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = Address };
    }

    /// <summary>The executable under test when <see cref="ExecutableVariable"/> is set, else null (in process).</summary>
    public static string? Executable => Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } path ? path : null;

    /// <summary>The running gateway (in process only).</summary>
    public WebApplication App => _app ?? throw InProcessOnly("its services");

    /// <summary>The gateway's process (when <see cref="ExecutableVariable"/> is set), else null.</summary>
    public GatewayProcess? Process => _process;

    /// <summary>The temporary folder of this gateway.</summary>
    public string Root { get; }

    /// <summary>Where the gateway listens.</summary>
    public Uri Address { get; }

    /// <summary>A client toward the gateway.</summary>
    public HttpClient Client { get; }

    /// <summary>Where the hosted store listens (null when the store is not hosted).</summary>
    public Uri? StoreAddress => App.Services.GetRequiredService<Glance.Gateway.Hosting.ImageStoreAddress>().Current;

    /// <summary>The config folder the gateway reads (routes file included).</summary>
    public string ConfigPath => Path.Combine(Root, "config");

    /// <summary>The routes file.</summary>
    public string RoutesFile => Path.Combine(ConfigPath, "reverse-proxy.json");

    /// <summary>The audit file.</summary>
    public string AuditPath => Path.Combine(Root, "audit.json");

    /// <summary>The application log file.</summary>
    public string AppLogPath => Path.Combine(Root, "app.log");

    /// <summary>The access log file.</summary>
    public string AccessPath => Path.Combine(Root, "access.json");

    /// <summary>The audit events written so far.</summary>
    public IReadOnlyList<AuditEvent> AuditEvents() => AuditEvent.ReadAll(AuditPath);

    /// <summary>The audit events of the named operations only (a test's set-up through the gateway is audited too).</summary>
    public IReadOnlyList<AuditEvent> AuditEvents(params string[] operations) =>
        [.. AuditEvents().Where(e => operations.Contains(e.Get("Operation")))];

    /// <summary>
    /// The access events written since the gateway was handed to the test (a gateway process's
    /// start-up health probes are not the test's requests).
    /// </summary>
    public IReadOnlyList<AuditEvent> AccessEvents() => AuditEvent.ReadAll(AccessPath).Skip(_startupAccessEvents).ToList();

    /// <summary>The application log so far.</summary>
    public string AppLog() => SharedRead(AppLogPath);

    /// <summary>Reads a file another process or thread keeps open for writing.</summary>
    public static string SharedRead(string path)
    {
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The repository's routes file (as copied beside the test binaries).</summary>
    public static string DefaultRoutesJson() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "reverse-proxy.json"));

    /// <summary>Routes whose image-store cluster points at <paramref name="backend"/> (use with ImageStore:Enabled=false).</summary>
    public static string RoutesToward(string backend) =>
        DefaultRoutesJson().Replace("http://127.0.0.1:9191/", backend.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>Starts a gateway with these settings over the defaults of a test.</summary>
    public static async Task<GatewayHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        TimeProvider? time = null,
        string? routesJson = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var (root, config) = CreateRoot("glance-gateway-test-");

        if (routesJson is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(config, "reverse-proxy.json"), routesJson);
        }

        var all = BaseSettings(root, config);
        if (Executable is { } executable)
        {
            if (time is not null || configure is not null)
            {
                throw InProcessOnly(time is not null ? "a fake clock" : "its builder");
            }

            Override(all, settings);
            try
            {
                return new GatewayHost(null, await GatewayProcess.StartAsync(all, root, executable), root);
            }
            catch
            {
                Directory.Delete(root, recursive: true);
                throw;
            }
        }

        all["urls"] = "http://127.0.0.1:0";
        Override(all, settings);

        var app = Program.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(all);
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            configure?.Invoke(builder);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new GatewayHost(app, null, root);
    }

    /// <summary>
    /// Stops the gateway as the host does on SIGTERM (in-flight requests finish, then the
    /// services, the audit and access pipelines with them, are disposed, which drains their
    /// queues); the folder stays until <see cref="DisposeAsync"/>.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            if (_process is not null)
            {
                await _process.DisposeAsync();
                return;
            }

            await _app!.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StopAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A sink may still hold a file for a moment; the folder is temporary anyway.
        }
    }

    private static NotSupportedException InProcessOnly(string what) =>
        new($"This test needs {what}, which only the gateway in process has; it cannot run against {Executable}. Mark it [Trait(\"Host\", \"InProcess\")].");

    /// <summary>A fresh folder for one gateway, with a copy of the operator config (its own Serilog settings come from <see cref="BaseSettings"/>).</summary>
    public static (string Root, string Config) CreateRoot(string prefix)
    {
        var root = Directory.CreateTempSubdirectory(prefix).FullName;
        var config = Path.Combine(root, "config");
        Directory.CreateDirectory(config);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "config"), "*.json"))
        {
            if (Path.GetFileName(file) != "serilog.json")
            {
                File.Copy(file, Path.Combine(config, Path.GetFileName(file)));
            }
        }

        return (root, config);
    }

    /// <summary>
    /// Puts <paramref name="extra"/> over <paramref name="settings"/>; extra settings that
    /// configure the audit's or the access log's sinks (<c>Serilog:Audit:WriteTo…</c>,
    /// <c>Serilog:Access:WriteTo…</c>) replace the base's sinks of that section instead of merging
    /// into them, so that a test can put the shipped queue (<see cref="QueuedSink"/>) in place.
    /// </summary>
    public static void Override(Dictionary<string, string?> settings, IDictionary<string, string?>? extra)
    {
        ArgumentNullException.ThrowIfNull(settings);
        extra ??= new Dictionary<string, string?>();
        foreach (var section in new[] { "Serilog:Audit:WriteTo:", "Serilog:Access:WriteTo:" })
        {
            if (extra.Keys.Any(k => k.StartsWith(section, StringComparison.OrdinalIgnoreCase)))
            {
                foreach (var key in settings.Keys.Where(k => k.StartsWith(section, StringComparison.OrdinalIgnoreCase)).ToList())
                {
                    settings.Remove(key);
                }
            }
        }

        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
    }

    /// <summary>
    /// The sinks of <paramref name="section"/> (<c>Serilog:Audit</c> or <c>Serilog:Access</c>) as
    /// config/serilog.json ships them: a bounded blocking queue (<paramref name="bufferSize"/>)
    /// in front of a file at <paramref name="path"/>, rolling at <paramref name="fileSizeLimitBytes"/>.
    /// <paramref name="buffered"/> has the file sink keep what it writes in memory until it is
    /// flushed or closed, so that a test sees whether stopping closes the pipeline.
    /// </summary>
    public static Dictionary<string, string?> QueuedSink(string section, string path, int bufferSize = 10_000, long fileSizeLimitBytes = 104_857_600, bool buffered = false) => new()
    {
        [$"{section}:WriteTo:0:Args:configure:0:Args:buffered"] = buffered ? "true" : "false",
        [$"{section}:WriteTo:0:Name"] = "Async",
        [$"{section}:WriteTo:0:Args:bufferSize"] = bufferSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"{section}:WriteTo:0:Args:blockWhenFull"] = "true",
        [$"{section}:WriteTo:0:Args:configure:0:Name"] = "File",
        [$"{section}:WriteTo:0:Args:configure:0:Args:path"] = path,
        [$"{section}:WriteTo:0:Args:configure:0:Args:fileSizeLimitBytes"] = fileSizeLimitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"{section}:WriteTo:0:Args:configure:0:Args:rollOnFileSizeLimit"] = "true",
        [$"{section}:WriteTo:0:Args:configure:0:Args:retainedFileCountLimit"] = "1000",
        [$"{section}:WriteTo:0:Args:configure:0:Args:formatter"] = AuditFormatter,
    };

    /// <summary>The formatter of the audit and access files.</summary>
    public const string AuditFormatter = "Glance.Gateway.Auditing.AuditJsonFormatter, Glance.Gateway";

    /// <summary>
    /// The settings every test gateway shares: the config folder, a store on a free port, and the
    /// app log, audit trail and access log as files under <paramref name="root"/>. The audit and
    /// access sinks write synchronously here, so that a test reads an event as soon as it has the
    /// answer; the tests of the shipped queue use <see cref="QueuedSink"/> and stop the gateway
    /// before they read.
    /// </summary>
    public static Dictionary<string, string?> BaseSettings(string root, string config) => new()
    {
        ["Gateway:ConfigPath"] = config,
        ["Gateway:DrainDelaySeconds"] = "0", // no load balancer to tell; the drain tests set their own
        ["ImageStore:Url"] = "http://127.0.0.1:0",
        ["ImageStore:DataPath"] = Path.Combine(root, "data"),
        ["Serilog:MinimumLevel:Default"] = "Information",
        ["Serilog:MinimumLevel:Override:Microsoft"] = "Warning",
        ["Serilog:MinimumLevel:Override:Yarp"] = "Warning",
        ["Serilog:MinimumLevel:Override:System.Net.Http"] = "Warning",
        ["Serilog:WriteTo:0:Name"] = "File",
        ["Serilog:WriteTo:0:Args:path"] = Path.Combine(root, "app.log"),
        ["Serilog:Audit:WriteTo:0:Name"] = "File",
        ["Serilog:Audit:WriteTo:0:Args:path"] = Path.Combine(root, "audit.json"),
        ["Serilog:Audit:WriteTo:0:Args:formatter"] = AuditFormatter,
        ["Serilog:Access:WriteTo:0:Name"] = "File",
        ["Serilog:Access:WriteTo:0:Args:path"] = Path.Combine(root, "access.json"),
        ["Serilog:Access:WriteTo:0:Args:formatter"] = AuditFormatter,
    };
}
