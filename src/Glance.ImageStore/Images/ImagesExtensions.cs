namespace Glance.ImageStore.Images;

/// <summary>Registration of the images feature.</summary>
internal static class ImagesExtensions
{
    public static IServiceCollection AddImages(this IServiceCollection services) =>
        services.AddSingleton<ImagesEndpoints>().AddSingleton<ImageTagsEndpoints>();

    public static IEndpointRouteBuilder MapImages(this IEndpointRouteBuilder endpoints)
    {
        var handlers = endpoints.ServiceProvider.GetRequiredService<ImagesEndpoints>();
        endpoints.Map("/v2/images", handlers.CollectionAsync).WithDisplayName("images");
        endpoints.Map("/v2/images/{imageId}", handlers.ImageAsync).WithDisplayName("image");
        endpoints.Map("/v2/images/{imageId}/actions/deactivate", handlers.DeactivateAsync).WithDisplayName("deactivate");
        endpoints.Map("/v2/images/{imageId}/actions/reactivate", handlers.ReactivateAsync).WithDisplayName("reactivate");
        var tags = endpoints.ServiceProvider.GetRequiredService<ImageTagsEndpoints>();
        endpoints.Map("/v2/images/{imageId}/tags/{tagValue}", tags.TagAsync).WithDisplayName("image tag");
        return endpoints;
    }
}
