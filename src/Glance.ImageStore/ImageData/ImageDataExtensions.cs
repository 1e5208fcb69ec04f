namespace Glance.ImageStore.ImageData;

/// <summary>Registration of the image data feature.</summary>
internal static class ImageDataExtensions
{
    public static IServiceCollection AddImageData(this IServiceCollection services) =>
        services.AddSingleton<ImageDataEndpoints>();

    public static IEndpointRouteBuilder MapImageData(this IEndpointRouteBuilder endpoints)
    {
        var handlers = endpoints.ServiceProvider.GetRequiredService<ImageDataEndpoints>();
        endpoints.Map("/v2/images/{imageId}/file", handlers.FileAsync).WithDisplayName("image data");
        return endpoints;
    }
}
