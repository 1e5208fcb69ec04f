using Glance.Policy.Errors;

namespace Glance.ImageStore.Errors;

/// <summary>Registration of the store's error handling: 500s and unknown routes.</summary>
internal static class ErrorsExtensions
{
    /// <summary>Catches unexpected exceptions; goes right after the request id.</summary>
    public static IApplicationBuilder UseGlanceExceptionHandler(this IApplicationBuilder app) =>
        app.UseMiddleware<GlanceExceptionMiddleware>();

    /// <summary>Any path no other route takes: webob's 404.</summary>
    public static IEndpointRouteBuilder MapGlanceNotFound(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/{**path}", static context => GlanceErrorWriter.WriteAsync(context, 404, ErrorMessages.ResourceNotFound))
            .WithDisplayName("Glance not found");
        return endpoints;
    }
}
