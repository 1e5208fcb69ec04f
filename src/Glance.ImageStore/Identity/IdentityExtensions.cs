namespace Glance.ImageStore.Identity;

/// <summary>Registration of the trusted-header identity.</summary>
internal static class IdentityExtensions
{
    public static IServiceCollection AddTrustedIdentity(this IServiceCollection services) => services;

    /// <summary>401 for requests without a confirmed identity; goes before routing.</summary>
    public static IApplicationBuilder UseTrustedIdentity(this IApplicationBuilder app) =>
        app.UseMiddleware<TrustedIdentityMiddleware>();

    /// <summary>The caller of a request that passed <see cref="TrustedIdentityMiddleware"/>.</summary>
    public static CallerFeature GetCaller(this HttpContext context) =>
        context.Features.Get<CallerFeature>() ?? throw new InvalidOperationException("No caller: the identity middleware did not run.");
}
