namespace Glance.ImageStore.Tasks;

/// <summary>Registration of the tasks feature.</summary>
internal static class TasksExtensions
{
    public static IServiceCollection AddTasks(this IServiceCollection services) =>
        services.AddSingleton<Persistence.TaskRepository>().AddSingleton<TasksEndpoints>()
            .AddSingleton<LegacyTaskRunner>().AddHostedService(provider => provider.GetRequiredService<LegacyTaskRunner>());

    public static IEndpointRouteBuilder MapTasks(this IEndpointRouteBuilder endpoints)
    {
        var handlers = endpoints.ServiceProvider.GetRequiredService<TasksEndpoints>();
        endpoints.Map("/v2/tasks", handlers.CollectionAsync).WithDisplayName("tasks");
        endpoints.Map("/v2/tasks/{taskId}", handlers.TaskAsync).WithDisplayName("task");
        endpoints.Map("/v2/images/{imageId}/tasks", handlers.ImageTasksAsync).WithDisplayName("image tasks");
        endpoints.Map("/v2/schemas/task", TasksEndpoints.TaskSchemaAsync).WithDisplayName("task schema");
        endpoints.Map("/v2/schemas/tasks", TasksEndpoints.TasksSchemaAsync).WithDisplayName("tasks schema");
        return endpoints;
    }
}
