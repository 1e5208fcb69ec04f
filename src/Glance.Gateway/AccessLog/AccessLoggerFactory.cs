using Glance.Gateway.Auditing;

namespace Glance.Gateway.AccessLog;

/// <summary>
/// The access log's own Serilog pipeline, configured by the <c>Serilog:Access</c> section (same
/// shape as <c>Serilog:Audit</c>) and kept apart from the application log and the audit trail.
/// Without that section: a bounded blocking queue to <c>logs/access-.json</c>, rolling as the
/// audit does (see <see cref="AuditLoggerFactory.Pipeline"/>). Disposed with the host's services,
/// which drains the queue.
/// </summary>
public sealed class AccessLoggerFactory : IDisposable
{
    /// <summary>The section that configures the access log.</summary>
    public const string SectionName = "Serilog:Access";

    private readonly Serilog.Core.Logger _serilog;

    /// <summary>Builds the access log's pipeline from configuration.</summary>
    public AccessLoggerFactory(IConfiguration configuration, IHostEnvironment environment) =>
        _serilog = AuditLoggerFactory.Pipeline(configuration, environment, SectionName, "access-.json");

    /// <summary>The logger of request events (Serilog's, as request logging takes it).</summary>
    public Serilog.ILogger Logger => _serilog;

    /// <inheritdoc />
    public void Dispose() => _serilog.Dispose();
}
