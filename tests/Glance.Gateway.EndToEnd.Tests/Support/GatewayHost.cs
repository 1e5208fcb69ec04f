using System.Text.Json;
using Glance.Gateway.Hosting;
using Glance.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Glance.Gateway.EndToEnd.Tests.Support;

/// <summary>
/// One real gateway (<see cref="Program.Build"/>) on a free loopback port in front of a real
/// Keystone and a real Redis, with its own temporary folder: a copy of config/, the hosted store's
/// data, the application log and the audit file. The token cache key prefix is new for each
/// gateway unless the test shares it on purpose (replicas).
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private GatewayHost(WebApplication app, string root)
    {
        App = app;
        Root = root;
        Address = new Uri(app.Urls.First());
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = Address };
    }

    /// <summary>The running gateway.</summary>
    public WebApplication App { get; }

    /// <summary>The temporary folder of this gateway.</summary>
    public string Root { get; }

    /// <summary>Where the gateway listens.</summary>
    public Uri Address { get; }

    /// <summary>A client toward the gateway.</summary>
    public HttpClient Client { get; }

    /// <summary>Where the hosted store listens (null when the store is not hosted).</summary>
    public Uri? StoreAddress => App.Services.GetRequiredService<ImageStoreAddress>().Current;

    /// <summary>The audit events written so far.</summary>
    public IReadOnlyList<AuditEvent> AuditEvents() =>
        KeystoneServer.SharedRead(Path.Combine(Root, "audit.json"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => new AuditEvent(line, JsonDocument.Parse(line).RootElement.Clone()))
            .ToList();

    /// <summary>The application log so far.</summary>
    public string AppLog() => KeystoneServer.SharedRead(Path.Combine(Root, "app.log"));

    /// <summary>
    /// Starts a gateway toward <paramref name="keystone"/> and <paramref name="redis"/>;
    /// <paramref name="settings"/> override the defaults.
    /// </summary>
    public static Task<GatewayHost> StartAsync(
        KeystoneServer keystone,
        RedisServer redis,
        IDictionary<string, string?>? settings = null,
        string? routesJson = null)
    {
        ArgumentNullException.ThrowIfNull(keystone);
        return StartAsync(keystone.GatewaySettings(), redis, settings, routesJson);
    }

    /// <summary>Starts a gateway with these Keystone settings (<c>Keystone:*</c>) toward <paramref name="redis"/>.</summary>
    public static async Task<GatewayHost> StartAsync(
        IDictionary<string, string?> keystoneSettings,
        RedisServer redis,
        IDictionary<string, string?>? settings = null,
        string? routesJson = null)
    {
        ArgumentNullException.ThrowIfNull(keystoneSettings);
        ArgumentNullException.ThrowIfNull(redis);
        var root = Directory.CreateTempSubdirectory("glance-e2e-gateway-").FullName;
        var config = Path.Combine(root, "config");
        Directory.CreateDirectory(config);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "config"), "*.json"))
        {
            if (Path.GetFileName(file) != "serilog.json")
            {
                File.Copy(file, Path.Combine(config, Path.GetFileName(file)));
            }
        }

        if (routesJson is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(config, "reverse-proxy.json"), routesJson);
        }

        var all = new Dictionary<string, string?>(keystoneSettings)
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Keystone:CacheKeyPrefix"] = $"glance-e2e-{Guid.NewGuid():N}:",
            ["Gateway:ConfigPath"] = config,
            ["urls"] = "http://127.0.0.1:0",
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
            ["Serilog:Audit:WriteTo:0:Args:formatter"] = "Serilog.Formatting.Compact.CompactJsonFormatter, Serilog.Formatting.Compact",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = Program.Build([], builder => builder.Configuration.AddInMemoryCollection(all));
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new GatewayHost(app, root);
    }

    /// <summary>The repository's routes with the image-store cluster pointed at <paramref name="backend"/>.</summary>
    public static string RoutesToward(Uri backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "reverse-proxy.json"))
            .Replace("http://127.0.0.1:9191/", backend.ToString().TrimEnd('/') + "/", StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A sink may still hold a file for a moment; the folder is temporary anyway.
        }
    }
}
