namespace Glance.ImageStore.Members;

internal static class BlankImageIdGuard
{
    public static IApplicationBuilder UseBlankImageIdGuard(this IApplicationBuilder app) => app;
}
