namespace Glance.ImageStore.Members;

internal static class MembersEndpoints
{
    public static IEndpointRouteBuilder MapMembers(this IEndpointRouteBuilder endpoints) => endpoints;
}
