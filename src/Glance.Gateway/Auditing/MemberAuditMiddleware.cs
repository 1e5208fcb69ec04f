using Glance.Gateway.Keystone;
using Glance.Gateway.MemberPolicy;

namespace Glance.Gateway.Auditing;

/// <summary>
/// Writes the one audit event of a member request from the decision a step recorded in its
/// <see cref="MemberRequestFeature"/>, with the final status (a forwarded request's is the
/// backend's): as the response starts, so that the event is on record before the client has the
/// answer, or when the request ends without a response. Sits outside the exception handler, so
/// it sees a 500 too.
/// </summary>
public sealed class MemberAuditMiddleware(RequestDelegate next, MemberDeleteAudit audit, TimeProvider time)
{
    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var member = MemberRequestFeature.Of(context);
        if (member is null)
        {
            await next(context);
            return;
        }

        var record = new Record(context, member, audit, time.GetTimestamp());
        context.Response.OnStarting(static state => ((Record)state).WriteOnce(), record);
        try
        {
            await next(context);
        }
        finally
        {
            await record.WriteOnce();
        }
    }

    private sealed class Record(HttpContext context, MemberRequestFeature member, MemberDeleteAudit audit, long start)
    {
        private int _written;

        public Task WriteOnce()
        {
            if (member.IsDecided && Interlocked.Exchange(ref _written, 1) == 0)
            {
                var status = context.Response.StatusCode;
                var caller = context.Features.Get<ICallerFeature>();
                audit.Write(context, member, caller?.Identity, caller?.Service, status, member.Forwarded ? status : null, caller?.CacheResult ?? member.TokenCache, start);
            }

            return Task.CompletedTask;
        }
    }
}
