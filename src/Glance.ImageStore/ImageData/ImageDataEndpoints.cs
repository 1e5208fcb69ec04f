namespace Glance.ImageStore.ImageData;

internal static class ImageDataEndpoints
{
    public static IEndpointRouteBuilder MapImageData(this IEndpointRouteBuilder endpoints) => endpoints;
}
