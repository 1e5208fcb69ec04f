using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// Registration of the database engine and the repositories. The SQLite-only parts (the
/// in-process writer queue inside <see cref="StoreDatabase"/>, the WAL checkpointer and its
/// pragmas, and the <see cref="StoreMetrics"/> that observe them) exist only for SQLite;
/// PostgreSQL has none of them.
/// </summary>
internal static class PersistenceExtensions
{
    /// <summary>Registers the engine <see cref="ImageStoreDatabaseOptions.Provider"/> names, and the repositories over it.</summary>
    public static IServiceCollection AddImageStorePersistence(this IServiceCollection services, ImageStoreOptions options)
    {
        services.AddMetrics();
        if (options.Database.Provider == DatabaseProvider.PostgreSQL)
        {
            // A factory registration: the container disposes the data source (and its pool) with the store.
            services.AddSingleton<IStoreDatabase>(sp => new PostgresStoreDatabase(
                options.Database.ConnectionString!, options.DataPath, sp.GetRequiredService<ILogger<PostgresStoreDatabase>>()));

        }
        else
        {
            services.AddSingleton(_ => new StoreDatabase(options.DataPath, options.WalLimitPages));
            services.AddSingleton<IStoreDatabase>(sp => sp.GetRequiredService<StoreDatabase>());
            services.AddSingleton(sp => new StoreMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetRequiredService<StoreDatabase>()));
            services.AddHostedService<WalCheckpointer>();
        }

        services.AddSingleton<ImageRepository>();
        services.AddSingleton<MemberRepository>();
        return services;
    }

    /// <summary>
    /// Creates the schema or applies the versions it lacks, now, before the store listens: a broken
    /// data path or an unreachable database server stops the store at start-up.
    /// </summary>
    public static void MigrateImageStoreDatabase(this IServiceProvider services) =>
        services.GetRequiredService<IStoreDatabase>().Migrate();
}
