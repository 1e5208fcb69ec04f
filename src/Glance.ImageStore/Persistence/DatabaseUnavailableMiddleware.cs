using Glance.Policy.Errors;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// The database cannot serve (PostgreSQL stopped, restarting, out of connections; SQLite locked by
/// another process past its timeout): Glance's 503, in the format the request asks for, instead
/// of the 500 every other unexpected error gets. Nothing was written by a request that got it
/// unless the commit itself reached the server before the connection broke; every write is one
/// transaction, so a retry finds either nothing or the whole change (a member add then answers
/// 409, a member delete 404), never half of one. The next request opens a fresh connection, so
/// the store recovers by itself once the database is back.
/// </summary>
internal sealed class DatabaseUnavailableMiddleware(RequestDelegate next, IStoreDatabase database)
{
    /// <summary>webob's HTTPServiceUnavailable explanation.</summary>
    public const string Explanation = "The server is currently unavailable. Please try again at a later time.";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested && database.IsUnavailable(exception))
        {
            context.Response.Clear();
            await GlanceErrorWriter.WriteAsync(context, 503, Explanation);
        }
    }
}

/// <summary>Registration of <see cref="DatabaseUnavailableMiddleware"/>.</summary>
internal static class DatabaseUnavailableExtensions
{
    /// <summary>Goes right inside Glance's exception handler, so that only database outages become 503s.</summary>
    public static IApplicationBuilder UseDatabaseUnavailable(this IApplicationBuilder app) => app.UseMiddleware<DatabaseUnavailableMiddleware>();
}
