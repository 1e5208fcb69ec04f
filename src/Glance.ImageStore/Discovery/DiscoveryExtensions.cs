namespace Glance.ImageStore.Discovery;

/// <summary>Registration of the discovery API.</summary>
internal static class DiscoveryExtensions
{
    public static IServiceCollection AddDiscovery(this IServiceCollection services) =>
        services.AddSingleton<DiscoveryEndpoints>();

    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder endpoints)
    {
        var handlers = endpoints.ServiceProvider.GetRequiredService<DiscoveryEndpoints>();
        endpoints.Map("/v2/info/import", handlers.ImportAsync).WithDisplayName("info import");
        endpoints.Map("/v2/info/stores", DiscoveryEndpoints.StoresAsync).WithDisplayName("info stores");
        endpoints.Map("/v2/info/stores/detail", DiscoveryEndpoints.StoresDetailAsync).WithDisplayName("info stores detail");
        endpoints.Map("/v2/info/usage", DiscoveryEndpoints.UsageAsync).WithDisplayName("info usage");
        return endpoints;
    }
}
