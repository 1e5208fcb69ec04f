namespace Glance.ImageStore.Persistence;

/// <summary>Registration of the database and the repositories.</summary>
internal static class PersistenceExtensions
{
    /// <summary>Opens (creating or migrating) the database now, so a broken data path fails at start-up.</summary>
    public static IServiceCollection AddImageStorePersistence(this IServiceCollection services, ImageStoreOptions options)
    {
        var database = new StoreDatabase(options.DataPath, options.WalLimitPages);
        database.Migrate();
        services.AddSingleton(database);
        services.AddSingleton<ImageRepository>();
        services.AddSingleton<MemberRepository>();
        services.AddMetrics();
        services.AddSingleton(sp => new StoreMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), database));
        services.AddHostedService<WalCheckpointer>();
        return services;
    }
}
