using Glance.Gateway.Hosting;
using Serilog;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;

namespace Glance.Gateway.Auditing;

/// <summary>
/// The audit trail's own Serilog pipeline, configured by the <c>Serilog:Audit</c> section (same
/// shape as <c>Serilog</c>: MinimumLevel, WriteTo…) and kept apart from the application log.
/// Without that section: a daily rolling compact-JSON file, <c>logs/audit-.json</c>.
/// </summary>
public sealed class AuditLoggerFactory : IDisposable
{
    /// <summary>The section that configures the audit sink.</summary>
    public const string SectionName = "Serilog:Audit";

    private readonly Serilog.Core.Logger _serilog;
    private readonly SerilogLoggerFactory _factory;

    /// <summary>Builds the audit pipeline from configuration.</summary>
    public AuditLoggerFactory(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var settings = new LoggerConfiguration().MinimumLevel.Information();
        if (configuration.GetSection(SectionName + ":WriteTo").Exists())
        {
            settings.ReadFrom.Configuration(configuration, HostingExtensions.ReaderOptions(SectionName));
        }
        else
        {
            settings.WriteTo.File(
                new CompactJsonFormatter(),
                Path.Combine(environment.ContentRootPath, "logs", "audit-.json"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 31);
        }

        _serilog = settings.CreateLogger();
        _factory = new SerilogLoggerFactory(_serilog, dispose: false);
    }

    /// <summary>A logger writing to the audit sink only.</summary>
    public ILogger<T> CreateLogger<T>() => new Logger<T>(_factory);

    /// <inheritdoc />
    public void Dispose()
    {
        _factory.Dispose();
        _serilog.Dispose();
    }
}
