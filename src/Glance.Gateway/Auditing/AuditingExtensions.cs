using Glance.Gateway.Logging;

namespace Glance.Gateway.Auditing;

/// <summary>Registration of the audit trail.</summary>
public static class AuditingExtensions
{
    /// <summary>Registers the audit sink (section <c>Serilog:Audit</c>) and the edge-decision audit.</summary>
    public static WebApplicationBuilder AddAuditing(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // A bad setting stops Build() with its one line, not the host's start (which would log it
        // with a stack trace first): the pipeline itself is built when the middleware is.
        SerilogSection.Check(builder.Configuration.GetSection(AuditLoggerFactory.SectionName));
        builder.Services.AddSingleton<AuditLoggerFactory>();
        builder.Services.AddSingleton<EdgeDecisionAudit>();
        return builder;
    }

    /// <summary>One audit event per edge decision, written when the request completes.</summary>
    public static IApplicationBuilder UseEdgeAudit(this IApplicationBuilder app) => app.UseMiddleware<EdgeAuditMiddleware>();
}
