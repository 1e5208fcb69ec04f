namespace Glance.ImageStore.Schemas;

internal static class SchemasEndpoints
{
    public static IEndpointRouteBuilder MapSchemas(this IEndpointRouteBuilder endpoints) => endpoints;
}
