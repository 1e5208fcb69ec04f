using Glance.ImageStore.Routing;

namespace Glance.ImageStore.Metadefs;

/// <summary>
/// Registration of the metadata definitions feature. Glance's router (<see cref="GlanceRouterMiddleware"/>)
/// has already named the operation (controller and action of glance/api/v2/router.py) and refused
/// the methods a path does not take; one endpoint per prefix hands the operation to its handler.
/// </summary>
internal static class MetadefsExtensions
{
    public static IServiceCollection AddMetadefs(this IServiceCollection services) =>
        services
            .AddSingleton<Persistence.MetadefRepository>()
            .AddSingleton<MetadefLookup>()
            .AddSingleton<NamespacesEndpoints>()
            .AddSingleton<ResourceTypesEndpoints>()
            .AddSingleton<ObjectsEndpoints>()
            .AddSingleton<PropertiesEndpoints>()
            .AddSingleton<TagsEndpoints>()
            .AddSingleton<MetadefSchemasEndpoints>();

    /// <summary>Loads the shipped definitions into the database at the first start (after the migration).</summary>
    public static void LoadShippedMetadefs(this IServiceProvider services) => MetadefDefinitions.LoadOnce(services);

    public static IEndpointRouteBuilder MapMetadefs(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var namespaces = services.GetRequiredService<NamespacesEndpoints>();
        var resourceTypes = services.GetRequiredService<ResourceTypesEndpoints>();
        var objects = services.GetRequiredService<ObjectsEndpoints>();
        var properties = services.GetRequiredService<PropertiesEndpoints>();
        var tags = services.GetRequiredService<TagsEndpoints>();
        var schemas = services.GetRequiredService<MetadefSchemasEndpoints>();

        Task Dispatch(HttpContext context)
        {
            var operation = Resource.Routing(context).Operation!;
            return (operation.Controller, operation.Action) switch
            {
                ("metadef_namespaces", "index") => namespaces.IndexAsync(context),
                ("metadef_namespaces", "create") => namespaces.CreateAsync(context),
                ("metadef_namespaces", "show") => namespaces.ShowAsync(context),
                ("metadef_namespaces", "update") => namespaces.UpdateAsync(context),
                ("metadef_namespaces", "delete") => namespaces.DeleteAsync(context, null),
                ("metadef_namespaces", "delete_objects") => namespaces.DeleteAsync(context, "metadef_objects"),
                ("metadef_namespaces", "delete_properties") => namespaces.DeleteAsync(context, "metadef_properties"),
                ("metadef_namespaces", "delete_tags") => namespaces.DeleteAsync(context, "metadef_tags"),
                ("metadef_resource_types", "index") => resourceTypes.IndexAsync(context),
                ("metadef_resource_types", "show") => resourceTypes.ShowAsync(context),
                ("metadef_resource_types", "create") => resourceTypes.CreateAsync(context),
                ("metadef_resource_types", "delete") => resourceTypes.DeleteAsync(context),
                ("metadef_objects", "index") => objects.IndexAsync(context),
                ("metadef_objects", "create") => objects.CreateAsync(context),
                ("metadef_objects", "show") => objects.ShowAsync(context),
                ("metadef_objects", "update") => objects.UpdateAsync(context),
                ("metadef_objects", "delete") => objects.DeleteAsync(context),
                ("metadef_properties", "index") => properties.IndexAsync(context),
                ("metadef_properties", "create") => properties.CreateAsync(context),
                ("metadef_properties", "show") => properties.ShowAsync(context),
                ("metadef_properties", "update") => properties.UpdateAsync(context),
                ("metadef_properties", "delete") => properties.DeleteAsync(context),
                ("metadef_tags", "index") => tags.IndexAsync(context),
                ("metadef_tags", "create_tags") => tags.CreateTagsAsync(context),
                ("metadef_tags", "create") => tags.CreateAsync(context),
                ("metadef_tags", "show") => tags.ShowAsync(context),
                ("metadef_tags", "update") => tags.UpdateAsync(context),
                ("metadef_tags", "delete") => tags.DeleteAsync(context),
                ("schemas", _) => schemas.WriteAsync(context, operation.Action),
                _ => GlanceNotFoundAsync(context),
            };
        }

        endpoints.Map("/v2/metadefs/{**rest}", Dispatch).WithDisplayName("metadefs");
        endpoints.Map("/v2/schemas/metadefs/{name}", Dispatch).WithDisplayName("metadef schemas");
        return endpoints;
    }

    private static Task GlanceNotFoundAsync(HttpContext context) =>
        Glance.Policy.Errors.GlanceErrorWriter.WriteAsync(context, 404, Glance.Policy.Errors.GlanceErrorWriter.ResourceNotFound);
}
