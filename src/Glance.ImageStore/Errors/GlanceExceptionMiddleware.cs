using Glance.Policy.Errors;
using Microsoft.AspNetCore.Http;

namespace Glance.ImageStore.Errors;

/// <summary>
/// Turns an unexpected exception into Glance's 500 (in the format the Accept header asks for, with
/// the request id header the request-id middleware already arranged) and logs it once.
/// Kestrel's own request errors (a body over a limit, a broken chunked body) keep their status.
/// </summary>
internal sealed partial class GlanceExceptionMiddleware(RequestDelegate next, ILogger<GlanceExceptionMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
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
            await GlanceErrorWriter.WriteAsync(context, status, status == 413 ? ErrorMessages.BodyTooLarge : exception.Message);
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
        [LoggerMessage(EventId = 5000, Level = LogLevel.Error, Message = "Unhandled error in {RequestId} {Method} {Path}; answered 500")]
        public static partial void Unhandled(ILogger logger, Exception exception, string requestId, string method, string path);

        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Bad request {RequestId}: {Status} {Reason}")]
        public static partial void BadRequest(ILogger logger, string requestId, int status, string reason);
    }
}
