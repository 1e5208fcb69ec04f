namespace Glance.ImageStore.Images;

internal static class ImagesEndpoints
{
    public static IEndpointRouteBuilder MapImages(this IEndpointRouteBuilder endpoints) => endpoints;
}
