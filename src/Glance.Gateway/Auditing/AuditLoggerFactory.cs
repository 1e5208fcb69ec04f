using Glance.Gateway.Logging;
using Serilog;
using Serilog.Extensions.Logging;

namespace Glance.Gateway.Auditing;

/// <summary>
/// The audit trail's own Serilog pipeline, configured by the <c>Serilog:Audit</c> section (same
/// shape as <c>Serilog</c>: MinimumLevel, WriteTo…) and kept apart from the application log.
/// Without that section: <see cref="DefaultBufferSize"/> events queued off the request thread
/// (a full queue holds the request back, nothing is dropped) to a rolling
/// <see cref="AuditJsonFormatter"/> file, <c>logs/audit-.json</c>, daily and at 100 MiB, 1,000
/// files kept. Disposed with the host's services, after the server has finished its in-flight
/// requests: disposing drains the queue into the file.
/// </summary>
public sealed class AuditLoggerFactory : IDisposable
{
    /// <summary>The section that configures the audit sink.</summary>
    public const string SectionName = "Serilog:Audit";

    /// <summary>The queue's length in events when the section does not set one.</summary>
    public const int DefaultBufferSize = 10_000;

    /// <summary>The rolled file's size limit when the section does not set one (100 MiB).</summary>
    public const long DefaultFileSizeLimitBytes = 100L * 1024 * 1024;

    /// <summary>How many files are kept when the section does not say.</summary>
    public const int DefaultRetainedFileCount = 1000;

    private readonly Serilog.Core.Logger _serilog;
    private readonly SerilogLoggerFactory _factory;

    /// <summary>Builds the audit pipeline from configuration.</summary>
    public AuditLoggerFactory(IConfiguration configuration, IHostEnvironment environment)
        : this(Pipeline(configuration, environment, SectionName, "audit-.json"))
    {
    }

    /// <summary>Over a pipeline built elsewhere (tests: a sink they can hold up).</summary>
    internal AuditLoggerFactory(Serilog.Core.Logger serilog)
    {
        _serilog = serilog;
        _factory = new SerilogLoggerFactory(_serilog, dispose: false);
    }

    /// <summary>A logger writing to the audit sink only.</summary>
    public ILogger<T> CreateLogger<T>() => new Logger<T>(_factory);

    /// <summary>
    /// A separate pipeline from <paramref name="sectionName"/> (MinimumLevel, WriteTo… as in
    /// <c>Serilog</c>, read by <see cref="SerilogSection"/>) writing, when it has no
    /// <c>WriteTo</c>, to the default: a bounded blocking queue to a file
    /// <c>logs/<paramref name="fileName"/></c> rolling daily and on size. The access log builds
    /// its own the same way.
    /// </summary>
    public static Serilog.Core.Logger Pipeline(IConfiguration configuration, IHostEnvironment environment, string sectionName, string fileName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var settings = new LoggerConfiguration().MinimumLevel.Information();
        SerilogSection.Configure(settings, configuration.GetSection(sectionName));
        if (!configuration.GetSection(sectionName + ":WriteTo").Exists())
        {
            var path = Path.Combine(environment.ContentRootPath, "logs", fileName);
            settings.WriteTo.Async(
                file => file.File(
                    new AuditJsonFormatter(),
                    path,
                    rollingInterval: RollingInterval.Day,
                    fileSizeLimitBytes: DefaultFileSizeLimitBytes,
                    rollOnFileSizeLimit: true,
                    retainedFileCountLimit: DefaultRetainedFileCount),
                bufferSize: DefaultBufferSize,
                blockWhenFull: true);
        }

        return settings.CreateLogger();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _factory.Dispose();
        _serilog.Dispose();
    }
}
