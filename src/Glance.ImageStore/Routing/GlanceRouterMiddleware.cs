using Glance.Policy.Errors;
using Glance.Policy.Members;
using Glance.Policy.Routing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Routing;

/// <summary>
/// Glance's v2 router and <c>wsgi.Resource</c>'s body checks, after authentication and before
/// ASP.NET Core routing, from <see cref="GlanceRoutes"/>:
/// <list type="number">
/// <item>The seed's 405 for a DELETE with a blank image id (CONFORMANCE row 2).</item>
/// <item>The routing method: the request's, or Routes' <c>_method</c> override from the query or
/// a form POST's body.</item>
/// <item>A method the route does not take: its reject route, which reads a body first (400 unless
/// it is a JSON object or array), then 405 with <c>Allow</c>; <c>/v2</c>: 302 to <c>/v2/</c>; no
/// route: 404, or 501 for a method Glance does not implement.</item>
/// <item>An operation with <c>body_reject</c> and a body: 400.</item>
/// <item>Otherwise the routing is kept for the endpoint (<see cref="Resource.Routing"/>: ids and
/// method come from it) and <c>Request.Path</c> is the route's path (the canonical path, less a
/// final newline Python's <c>$</c> matched around).</item>
/// </list>
/// </summary>
internal sealed class GlanceRouterMiddleware(RequestDelegate next, IOptions<ImageStoreOptions> options)
{
    private readonly long _maxBodyBytes = options.Value.MaxJsonBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var target = RequestTarget.Of(context);
        if (target.HasBlankImageId)
        {
            var blank = MemberDeletePolicy.CheckShape(request.Method, string.Empty, hasBody: false)!;
            await GlanceErrorWriter.WriteAsync(context, blank.StatusCode, blank.Explanation!, MemberDeletePolicy.MemberPathAllow);
            return;
        }

        string? form = null;
        if (GlanceMethodOverride.ConsultsForm(request.Method, target.Query, request.ContentType) && Resource.HasBody(context))
        {
            form = await ReadFormOverrideAsync(request);
        }

        var routing = GlanceRoutes.Resolve(target, request.Method, form);
        var hasBody = Resource.HasBody(context);
        switch (routing.Outcome)
        {
            case GlanceRouteOutcome.Operation when routing.Operation!.BodyReject && hasBody:
                await GlanceErrorWriter.WriteAsync(context, 400, GlanceRequestBody.NotExpected);
                return;
            case GlanceRouteOutcome.Operation:
                context.Features.Set(routing);
                request.Path = RoutePath(routing);
                await next(context);
                return;
            case GlanceRouteOutcome.MethodNotAllowed when hasBody:
                var error = await RejectedBodyErrorAsync(context);
                if (error is not null)
                {
                    await GlanceErrorWriter.WriteAsync(context, error == GlanceErrorWriter.BodyTooLarge ? 413 : 400, error);
                    return;
                }

                break;
        }

        await routing.WriteAsync(context, RequestTargetMiddleware.BaseUrl(request));
    }

    // The template with the values Routes matched: the canonical path itself, unless a final
    // newline was left out of the match.
    private static string RoutePath(GlanceRouting routing)
    {
        var route = routing.Route!;
        var parameter = 0;
        return string.Join('/', route.Template.Split('/').Select(segment =>
            segment.StartsWith('{') ? routing.Values[route.ParameterNames[parameter++]] : segment));
    }

    // The reject route's deserializer (JSONRequestDeserializer.default): from_json over the whole
    // body. Read up to the store's JSON limit; past it, the store's 413.
    private async Task<string?> RejectedBodyErrorAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > _maxBodyBytes)
        {
            return GlanceErrorWriter.BodyTooLarge;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > _maxBodyBytes)
            {
                return GlanceErrorWriter.BodyTooLarge;
            }
        }

        return GlanceRequestBody.JsonError(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    // Routes' req.POST.get('_method'): the last _method field of the form, read from a buffered
    // body that the endpoint then reads again from the start. A form that does not parse (or is
    // larger than the store's JSON limit) overrides nothing.
    private async Task<string?> ReadFormOverrideAsync(HttpRequest request)
    {
        if (request.ContentLength > _maxBodyBytes)
        {
            return null;
        }

        request.EnableBuffering(bufferThreshold: (int)Math.Min(_maxBodyBytes, 64 * 1024), bufferLimit: _maxBodyBytes);
        request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new Microsoft.AspNetCore.Http.Features.FormOptions
        {
            BufferBody = true,
            BufferBodyLengthLimit = _maxBodyBytes,
            MultipartBodyLengthLimit = _maxBodyBytes,
            ValueLengthLimit = (int)Math.Min(_maxBodyBytes, int.MaxValue),
        }));
        try
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            var values = form["_method"];
            return values.Count == 0 ? null : values[^1];
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return null;
        }
        finally
        {
            request.Body.Position = 0;
            request.HttpContext.Features.Set<IFormFeature>(null);
        }
    }
}
