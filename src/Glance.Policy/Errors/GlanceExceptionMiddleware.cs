using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Glance.Policy.Errors;

/// <summary>
/// Turns an unexpected exception into Glance's 500 (in the format the Accept header asks for, with
/// the request id header the request-id middleware already arranged) and logs it once.
/// Kestrel's own request errors (a body over a limit, a broken chunked body) keep their status.
/// Used by the gateway and the store alike.
/// </summary>
public sealed partial class GlanceExceptionMiddleware(RequestDelegate next, ILogger<GlanceExceptionMiddleware> logger)
{
    /// <summary>Runs the rest of the pipeline and answers in Glance's format if it throws before the response started.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            Log.BadRequest(logger, context.TraceIdentifier, exception.StatusCode, exception.Message);
            context.Response.Clear();
            var status = exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? 413 : 400;
            await GlanceErrorWriter.WriteAsync(context, status, status == 413 ? GlanceErrorWriter.BodyTooLarge : exception.Message);
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            Log.Unhandled(logger, exception, context.TraceIdentifier, context.Request.Method, context.Request.Path.Value ?? string.Empty);
            context.Response.Clear();
            await GlanceErrorWriter.WriteAsync(context, 500, GlanceErrorWriter.InternalError);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8000, Level = LogLevel.Error, Message = "Unhandled error in {RequestId} {Method} {Path}; answered 500")]
        public static partial void Unhandled(ILogger logger, Exception exception, string requestId, string method, string path);

        [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Bad request {RequestId}: {Status} {Reason}")]
        public static partial void BadRequest(ILogger logger, string requestId, int status, string reason);
    }
}

/// <summary>Registration of the shared error handling: the unexpected and unknown routes.</summary>
public static class GlanceErrorsExtensions
{
    /// <summary>Catches unexpected exceptions (a Glance 500); goes right after the request id.</summary>
    public static IApplicationBuilder UseGlanceExceptionHandler(this IApplicationBuilder app) =>
        app.UseMiddleware<GlanceExceptionMiddleware>();

    /// <summary>
    /// A request no other endpoint takes gets webob's 404. A fallback has the lowest order, so
    /// every route (YARP's included) wins over it.
    /// </summary>
    public static IEndpointRouteBuilder MapGlanceNotFound(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapFallback("{**path}", static context => GlanceErrorWriter.WriteAsync(context, 404, GlanceErrorWriter.ResourceNotFound));
        return endpoints;
    }
}
