namespace Glance.Gateway.Hosting;

/// <summary>
/// Where the operator files are. Resolved once at start-up: an explicit <c>Gateway:ConfigPath</c>,
/// else the first of content-root <c>config/</c>, <c>../../config</c> and the copy beside the
/// binaries that holds a <c>reverse-proxy.json</c>.
/// </summary>
public sealed class ConfigDirectory
{
    /// <summary>The routes file name.</summary>
    public const string RoutesFile = "reverse-proxy.json";

    private ConfigDirectory(string path) => Path = path;

    /// <summary>The absolute folder path.</summary>
    public string Path { get; }

    /// <summary>The absolute path of a file in the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Finds the folder; throws <see cref="GatewayConfigurationException"/> when there is none.</summary>
    public static ConfigDirectory Resolve(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var explicitPath = System.IO.Path.GetFullPath(configured, contentRoot);
            if (!Directory.Exists(explicitPath))
            {
                throw new GatewayConfigurationException($"Gateway:ConfigPath '{explicitPath}' does not exist.");
            }

            return new ConfigDirectory(explicitPath);
        }

        string[] candidates =
        [
            System.IO.Path.Combine(contentRoot, "config"),
            System.IO.Path.Combine(contentRoot, "..", "..", "config"),
            System.IO.Path.Combine(AppContext.BaseDirectory, "config"),
        ];
        foreach (var candidate in candidates)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(candidate, RoutesFile)))
            {
                return new ConfigDirectory(System.IO.Path.GetFullPath(candidate));
            }
        }

        throw new GatewayConfigurationException(
            $"No config folder with {RoutesFile} found under '{contentRoot}'; set Gateway__ConfigPath.");
    }
}
