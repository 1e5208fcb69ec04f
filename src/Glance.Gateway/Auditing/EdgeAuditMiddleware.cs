using Glance.Gateway.EdgePolicy;
using Glance.Gateway.Keystone;

namespace Glance.Gateway.Auditing;

/// <summary>
/// Writes the one audit event of a request on an operation the edge decides, from the decision a
/// step recorded in its <see cref="EdgeRequestFeature"/>, with the final status (a forwarded
/// request's is the backend's): as the response starts, so that the event is on record before the
/// client has the answer, or when the request ends without a response. A shadow-mode allow is
/// written at the end instead, once the backend's answer has been seen. Sits outside the exception
/// handler, so it sees a 500 too.
/// </summary>
public sealed class EdgeAuditMiddleware(RequestDelegate next, EdgeDecisionAudit audit, TimeProvider time)
{
    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var record = new Record(context, audit, time.GetTimestamp());
        context.Response.OnStarting(static state => ((Record)state).WriteOnce(atStart: true), record);
        try
        {
            await next(context);
        }
        finally
        {
            await record.WriteOnce(atStart: false);
        }
    }

    private sealed class Record(HttpContext context, EdgeDecisionAudit audit, long start)
    {
        private int _written;

        public Task WriteOnce(bool atStart)
        {
            if (EdgeRequestFeature.Of(context) is { IsDecided: true } edge
                && !(atStart && edge.Shadow is not null)
                && Interlocked.Exchange(ref _written, 1) == 0)
            {
                var caller = context.Features.Get<ICallerFeature>();
                audit.Write(context, edge, caller?.Identity, caller?.Service, context.Response.StatusCode, caller?.CacheResult ?? edge.TokenCache, start);
            }

            return Task.CompletedTask;
        }
    }
}
