namespace Glance.ImageStore.Members;

/// <summary>Registration of the members feature.</summary>
internal static class MembersExtensions
{
    public static IServiceCollection AddMembers(this IServiceCollection services) =>
        services.AddSingleton<MembersEndpoints>();

    public static IEndpointRouteBuilder MapMembers(this IEndpointRouteBuilder endpoints)
    {
        var handlers = endpoints.ServiceProvider.GetRequiredService<MembersEndpoints>();
        endpoints.Map("/v2/images/{imageId}/members", handlers.CollectionAsync).WithDisplayName("members");
        endpoints.Map("/v2/images/{imageId}/members/{memberId}", handlers.MemberAsync).WithDisplayName("member");
        return endpoints;
    }
}
