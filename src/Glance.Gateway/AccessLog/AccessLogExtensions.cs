using Serilog;

namespace Glance.Gateway.AccessLog;

/// <summary>Registration of the access log.</summary>
public static class AccessLogExtensions
{
    /// <summary>Registers the access log's pipeline (section <c>Serilog:Access</c>).</summary>
    public static WebApplicationBuilder AddAccessLog(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<AccessLoggerFactory>();
        return builder;
    }

    /// <summary>
    /// One event per request when it completes (Serilog's request logging, toward the access
    /// log's pipeline, not the application log's); first in the pipeline, so that it sees every
    /// request, answered at the front door, at the edge, by the backend, or a 500.
    /// </summary>
    public static IApplicationBuilder UseAccessLog(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.ApplicationServices.GetRequiredService<AccessLoggerFactory>().Logger;
        return app.UseSerilogRequestLogging(options =>
        {
            options.Logger = logger;
            options.MessageTemplate = AccessLogEvent.MessageTemplate;
            options.IncludeQueryInRequestPath = false;
            options.GetMessageTemplateProperties = AccessLogEvent.Properties;
        });
    }
}
