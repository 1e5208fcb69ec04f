using Microsoft.Extensions.Options;

namespace Glance.Gateway.Hosting;

/// <summary>Registration of the hosted image store.</summary>
public static class ImageStoreHostingExtensions
{
    /// <summary>Hosts the store on loopback unless <c>ImageStore:Enabled</c> is false.</summary>
    public static WebApplicationBuilder AddImageStoreHosting(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<HostedImageStoreOptions>().BindConfiguration(HostedImageStoreOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HostedImageStoreOptions>, HostedImageStoreOptionsValidator>();
        builder.Services.AddSingleton<IPostConfigureOptions<Routing.GlanceRoutingOptions>, HostedStoreRoutingOptions>();
        builder.Services.AddSingleton<ImageStoreAddress>();
        builder.Services.AddSingleton<HostedImageStore>();
        builder.Services.AddHostedService(services => services.GetRequiredService<HostedImageStore>());
        return builder;
    }
}
