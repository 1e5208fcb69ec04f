using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Hosting;

/// <summary>Kestrel and options registration for the store.</summary>
internal static class HostingExtensions
{
    /// <summary>Kestrel on the one loopback endpoint of <see cref="ImageStoreOptions.Url"/>.</summary>
    public static IWebHostBuilder UseImageStoreKestrel(this IWebHostBuilder webHost, ImageStoreOptions options)
    {
        if (!ImageStoreOptionsValidator.TryParseLoopbackUrl(options.Url, out var endpoint, out var error))
        {
            throw new ArgumentException(error, nameof(options));
        }

        return webHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(endpoint);
            kestrel.AddServerHeader = false;

            // Each endpoint enforces its own limit: small for JSON, MaxImageBytes for image data.
            kestrel.Limits.MaxRequestBodySize = null;
        });
    }

    /// <summary>Registers the already validated options (validated again on start, as any options).</summary>
    /// <param name="services">The store's services.</param>
    /// <param name="options">The settings.</param>
    /// <param name="ownPolicy">True when the store loads its own policy from <see cref="ImageStoreOptions.Policy"/>.</param>
    public static IServiceCollection AddImageStoreOptions(this IServiceCollection services, ImageStoreOptions options, bool ownPolicy)
    {
        services.AddSingleton<IValidateOptions<ImageStoreOptions>>(new ImageStoreOptionsValidator(ownPolicy));
        services.AddOptions<ImageStoreOptions>()
            .Configure(target =>
            {
                target.Url = options.Url;
                target.DataPath = options.DataPath;
                target.IdentityUri = options.IdentityUri;
                target.MaxJsonBodyBytes = options.MaxJsonBodyBytes;
                target.MaxImageBytes = options.MaxImageBytes;
                target.WalLimitPages = options.WalLimitPages;
                target.Database = options.Database;
                target.DevIdentity = options.DevIdentity;
                target.Policy = options.Policy;
                target.Import = options.Import;

                target.ImageCache = options.ImageCache;
            })
            .ValidateOnStart();
        return services;
    }
}
