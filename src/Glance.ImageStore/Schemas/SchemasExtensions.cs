namespace Glance.ImageStore.Schemas;

/// <summary>Registration of the schema documents.</summary>
internal static class SchemasExtensions
{
    public static IServiceCollection AddSchemas(this IServiceCollection services) =>
        services.AddSingleton<SchemasEndpoints>();

    public static IEndpointRouteBuilder MapSchemas(this IEndpointRouteBuilder endpoints)
    {
        var handlers = endpoints.ServiceProvider.GetRequiredService<SchemasEndpoints>();
        endpoints.Map("/v2/schemas/image", handlers.ImageAsync).WithDisplayName("image schema");
        endpoints.Map("/v2/schemas/images", handlers.ImagesAsync).WithDisplayName("images schema");
        endpoints.Map("/v2/schemas/member", handlers.MemberAsync).WithDisplayName("member schema");
        endpoints.Map("/v2/schemas/members", handlers.MembersAsync).WithDisplayName("members schema");
        return endpoints;
    }
}
