using System.Globalization;
using Glance.Gateway.AccessLog;
using Glance.Gateway.Auditing;
using Glance.Gateway.Logging;
using Glance.Policy.Errors;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Serilog;
using ILogger = Microsoft.Extensions.Logging.ILogger;

namespace Glance.Gateway.Hosting;

/// <summary>The host: config folder, listen address, clock, application log, the 500 of last resort.</summary>
public static class HostingExtensions
{
    /// <summary>
    /// Resolves the config folder, layers <c>config/serilog.json</c> under every other source,
    /// listens on <see cref="GatewayOptions.DefaultUrl"/> unless told otherwise, and sets up the
    /// Serilog application log from the <c>Serilog</c> section (see <see cref="SerilogSection"/>;
    /// without <c>WriteTo</c>, the console at Information with the framework's chatter turned down).
    /// </summary>
    public static WebApplicationBuilder AddGatewayHosting(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var directory = ConfigDirectory.Resolve(configuration[$"{GatewayOptions.SectionName}:ConfigPath"], builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(directory);
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName);

        // Lowest priority: appsettings, environment variables and the command line override it.
        if (File.Exists(directory.File("serilog.json")))
        {
            ((IConfigurationBuilder)configuration).Sources.Insert(0, new JsonConfigurationSource
            {
                FileProvider = new PhysicalFileProvider(directory.Path),
                Path = "serilog.json",
                Optional = true,
                ReloadOnChange = false,
            });
        }

        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"])
            && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(GatewayOptions.DefaultUrl);
        }

        // Headers and URLs of hostile size are refused by Kestrel before any code runs (431, 414).
        // Request bodies are streamed to the backend, which caps them itself (the store's
        // MaxImageBytes / MaxJsonBodyBytes, Glance's image_size_cap); Kestrel's 30 MB default
        // would cut every image upload, so the gateway has no cap unless one is set.
        var maxBody = configuration.GetValue<long?>($"{GatewayOptions.SectionName}:MaxRequestBodyBytes");
        if (maxBody is <= 0)
        {
            throw new GatewayConfigurationException($"{GatewayOptions.SectionName}:MaxRequestBodyBytes must be a positive number of bytes, or unset for no limit (got {maxBody}).");
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxBody;
        });

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSerilog(
            (services, logger) =>
            {
                SerilogSection.Configure(logger, configuration.GetSection(SerilogSectionName), OwnPipelines);
                if (!configuration.GetSection(SerilogSectionName + ":WriteTo").Exists())
                {
                    logger.MinimumLevel.Information()
                        .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
                        .MinimumLevel.Override("Microsoft.Hosting.Lifetime", Serilog.Events.LogEventLevel.Information)
                        .MinimumLevel.Override("Microsoft.Extensions.Hosting.Internal.Host", Serilog.Events.LogEventLevel.Fatal)
                        .MinimumLevel.Override("Yarp", Serilog.Events.LogEventLevel.Warning)
                        .MinimumLevel.Override("System.Net.Http", Serilog.Events.LogEventLevel.Warning)
                        .WriteTo.Console(formatProvider: CultureInfo.InvariantCulture);
                }
            },
            preserveStaticLogger: true);
        return builder;
    }

    /// <summary>The application log's section.</summary>
    public const string SerilogSectionName = "Serilog";

    /// <summary>Sub-sections of Serilog that are pipelines of their own (the audit trail, the access log).</summary>
    internal static readonly string[] OwnPipelines =
    [
        ConfigurationPath.GetSectionKey(AuditLoggerFactory.SectionName),
        ConfigurationPath.GetSectionKey(AccessLoggerFactory.SectionName),
    ];
}
