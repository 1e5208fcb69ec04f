using Glance.Gateway.Hosting;

namespace Glance.Gateway.Commands;

/// <summary>
/// The configuration a command reads: the very sources the gateway's host reads (appsettings,
/// environment variables), with <c>--config DIR</c> as <c>Gateway:ConfigPath</c>, and the
/// config folder resolved as start-up resolves it. Nothing is built or started.
/// </summary>
internal sealed class CommandConfiguration
{
    private CommandConfiguration(WebApplicationBuilder builder, ConfigDirectory directory)
    {
        Builder = builder;
        Directory = directory;
    }

    /// <summary>The host's builder, not built: its configuration and environment.</summary>
    public WebApplicationBuilder Builder { get; }

    /// <summary>The settings.</summary>
    public IConfiguration Settings => Builder.Configuration;

    /// <summary>The operator folder.</summary>
    public ConfigDirectory Directory { get; }

    /// <summary>Reads the configuration; <paramref name="configDirectory"/> overrides <c>Gateway:ConfigPath</c>.</summary>
    /// <exception cref="CommandUsageException">The config folder cannot be found.</exception>
    public static CommandConfiguration Read(string? configDirectory, IReadOnlyDictionary<string, string?>? settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (configDirectory is not null)
        {
            builder.Configuration[$"{GatewayOptions.SectionName}:ConfigPath"] = Path.GetFullPath(configDirectory);
        }

        try
        {
            var directory = ConfigDirectory.Resolve(builder.Configuration[$"{GatewayOptions.SectionName}:ConfigPath"], builder.Environment.ContentRootPath);
            return new CommandConfiguration(builder, directory);
        }
        catch (GatewayConfigurationException ex)
        {
            throw new CommandUsageException(ex.Message, ex);
        }
    }
}
