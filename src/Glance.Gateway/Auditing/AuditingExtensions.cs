namespace Glance.Gateway.Auditing;

/// <summary>Registration of the audit trail.</summary>
public static class AuditingExtensions
{
    /// <summary>Registers the audit sink (section <c>Serilog:Audit</c>) and the member-DELETE audit.</summary>
    public static WebApplicationBuilder AddAuditing(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<AuditLoggerFactory>();
        builder.Services.AddSingleton<MemberDeleteAudit>();
        return builder;
    }

    /// <summary>One audit event per member request decision, written when the request completes.</summary>
    public static IApplicationBuilder UseMemberAudit(this IApplicationBuilder app) => app.UseMiddleware<MemberAuditMiddleware>();
}
