using Glance.Gateway.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.Resilience.Tests.Support;

/// <summary>
/// A gateway as a separate process (<see cref="GatewayProcess"/>) arranged as the in-process
/// tests arrange theirs: its own folder with a copy of config/, the hosted store's data, the
/// application log and the audit file; WireMock as Keystone; a real Redis.
/// </summary>
public sealed class ProcessGateway : IAsyncDisposable
{
    private ProcessGateway(GatewayProcess process, string root)
    {
        Process = process;
        Root = root;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = process.Address,
            Timeout = TimeSpan.FromMinutes(5),
        };
    }

    /// <summary>The process.</summary>
    public GatewayProcess Process { get; }

    /// <summary>The folder of this gateway.</summary>
    public string Root { get; }

    /// <summary>A client toward the gateway.</summary>
    public HttpClient Client { get; }

    /// <summary>The audit file.</summary>
    public string AuditPath => Path.Combine(Root, "audit.json");

    /// <summary>The access log file.</summary>
    public string AccessPath => Path.Combine(Root, "access.json");

    /// <summary>The application log.</summary>
    public string AppLog() => GatewayHost.SharedRead(Path.Combine(Root, "app.log"));

    /// <summary>
    /// Starts a gateway toward <paramref name="keystone"/> and <paramref name="redis"/>, hosting its
    /// store: the build's (default) or the <paramref name="executable"/> of a published one.
    /// </summary>
    public static async Task<ProcessGateway> StartAsync(KeystoneStub keystone, RedisServer redis, IDictionary<string, string?>? extra = null, string? executable = null)
    {
        ArgumentNullException.ThrowIfNull(keystone);
        ArgumentNullException.ThrowIfNull(redis);
        var (root, config) = GatewayHost.CreateRoot("glance-gateway-process-");
        var settings = GatewayHost.BaseSettings(root, config);
        foreach (var (key, value) in keystone.Settings())
        {
            settings[key] = value;
        }

        settings["ConnectionStrings:Redis"] = redis.ConnectionString;
        settings["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Information";
        GatewayHost.Override(settings, extra);

        try
        {
            return new ProcessGateway(await GatewayProcess.StartAsync(settings, root, executable), root);
        }
        catch
        {
            TryDelete(root);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Process.DisposeAsync();
        TryDelete(Root);
    }

    private static void TryDelete(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // Temporary anyway.
        }
    }
}
