using Glance.ImageStore.Persistence;

namespace Glance.ImageStore.Import;

/// <summary>Registration of image import: stage, import and the background runner of its tasks.</summary>
internal static class ImportExtensions
{
    public static IServiceCollection AddImageImport(this IServiceCollection services)
    {
        services.AddSingleton<ImageImportRepository>();
        services.AddSingleton<ImportStaging>();
        services.AddSingleton<ImportTaskRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<ImportTaskRunner>());
        services.AddSingleton<StageEndpoints>();
        services.AddSingleton<ImportEndpoints>();
        return services;
    }

    public static IEndpointRouteBuilder MapImageImport(this IEndpointRouteBuilder endpoints)
    {
        var stage = endpoints.ServiceProvider.GetRequiredService<StageEndpoints>();
        var import = endpoints.ServiceProvider.GetRequiredService<ImportEndpoints>();
        endpoints.Map("/v2/images/{imageId}/stage", stage.StageAsync).WithDisplayName("image stage");
        endpoints.Map("/v2/images/{imageId}/import", import.ImportAsync).WithDisplayName("image import");
        return endpoints;
    }
}
