namespace Glance.ImageStore.Routing;

/// <summary>The store's two routing steps, in the order of Glance's pipeline.</summary>
internal static class RoutingExtensions
{
    /// <summary>Healthcheck, OPTIONS, version negotiation and the canonical path: first of all.</summary>
    public static IApplicationBuilder UseGlanceRequestTarget(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestTargetMiddleware>();

    /// <summary>Glance's router and body checks: after authentication, before ASP.NET Core routing.</summary>
    public static IApplicationBuilder UseGlanceRouter(this IApplicationBuilder app) =>
        app.UseMiddleware<GlanceRouterMiddleware>();
}
