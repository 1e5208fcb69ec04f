using Glance.Policy.Rules;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Glance.ImageStore.Tests.Support;

/// <summary>
/// A real store (Kestrel on a free loopback port, a fresh temp folder, and on SQLite a file in it or
/// on PostgreSQL a fresh database of the test run's cluster) that a test class or a single test
/// owns. Can be stopped and started again on the same data (restart tests). What the store logs
/// at Warning and above (its own events, Kestrel's unhandled exceptions) is kept in
/// <see cref="Logs"/>, across restarts.
/// </summary>
public sealed class StoreInstance : IAsyncDisposable
{
    private readonly IPolicyRulesProvider? _policy;
    private WebApplication? _app;

    private readonly bool _ownsData;

    private StoreInstance(ImageStoreOptions options, IPolicyRulesProvider? policy, bool ownsData = true)
    {
        Options = options;
        _policy = policy;
        _ownsData = ownsData;
    }

    public ImageStoreOptions Options { get; }

    /// <summary>The cluster whose database this store was given, dropped with the store.</summary>
    private PostgresCluster? DroppedBy { get; init; }

    /// <summary>The engine the store runs on.</summary>
    public DatabaseProvider Engine => Options.Database.Provider;

    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The store's log records at Warning and above, as a host's logging would receive them.</summary>
    public FakeLogCollector Logs { get; } = FakeLogCollector.Create(new FakeLogCollectorOptions
    {
        FilteredLevels = { LogLevel.Warning, LogLevel.Error, LogLevel.Critical },
    });

    /// <summary>
    /// Starts a store on a fresh data path. <paramref name="policy"/> is passed to
    /// <see cref="ImageStoreApplication.Build"/> as a host would; null: the store reads its own
    /// (<see cref="ImageStoreOptions.Policy"/>, legacy defaults unless configured).
    /// </summary>
    public static async Task<StoreInstance> StartAsync(Action<ImageStoreOptions>? configure = null, IPolicyRulesProvider? policy = null, DatabaseProvider engine = DatabaseProvider.Sqlite, PostgresCluster? cluster = null)
    {
        var options = new ImageStoreOptions
        {
            Url = "http://127.0.0.1:0",
            DataPath = Path.Combine(Path.GetTempPath(), "glance-store-tests", Guid.NewGuid().ToString("N")),
        };
        options.Database.Provider = engine;
        configure?.Invoke(options);
        PostgresCluster? owned = null;
        if (engine == DatabaseProvider.PostgreSQL && options.Database.ConnectionString is null)
        {
            // A database of its own, dropped with the store; a test that passes one keeps it.
            owned = cluster ?? await PostgresCluster.SharedAsync();
            options.Database.ConnectionString = await owned.CreateDatabaseAsync();
        }

        var instance = new StoreInstance(options, policy) { DroppedBy = owned };
        await instance.StartAgainAsync();
        return instance;
    }

    /// <summary>
    /// A second store on this one's database and data folder, as another replica (PostgreSQL): its
    /// own Kestrel and its own connection pool. Disposing it leaves the data to this store.
    /// </summary>
    public async Task<StoreInstance> StartReplicaAsync()
    {
        var options = new ImageStoreOptions
        {
            Url = "http://127.0.0.1:0",
            DataPath = Options.DataPath,
            WalLimitPages = Options.WalLimitPages,
            MaxImageBytes = Options.MaxImageBytes,
            Database = new ImageStoreDatabaseOptions { Provider = Options.Database.Provider, ConnectionString = Options.Database.ConnectionString },
        };
        var replica = new StoreInstance(options, _policy, ownsData: false);
        await replica.StartAgainAsync();
        return replica;
    }

    /// <summary>Starts (again) on the same data path.</summary>
    public async Task StartAgainAsync()
    {
        _app = ImageStoreApplication.Build(Options, logging => logging.AddProvider(new FakeLoggerProvider(Logs)), _policy);
        await _app.StartAsync();
        BaseUri = new Uri(_app.Urls.Single() + "/");
    }

    /// <summary>Stops the store; the data stays.</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    public StoreClient Client(Caller caller) => new(BaseUri, caller);

    /// <summary>The reader a hosting gateway uses in process (the running store's).</summary>
    public Glance.ImageStore.Facts.IImageFactsReader FactsReader =>
        (_app ?? throw new InvalidOperationException("the store is not running")).Services.GetRequiredService<Glance.ImageStore.Facts.IImageFactsReader>();

    /// <summary>The store's database opened beside the running store, as another replica would.</summary>
    internal DatabaseHandle OpenDatabase() => new(Engine == DatabaseProvider.PostgreSQL
        ? new Glance.ImageStore.Persistence.PostgresStoreDatabase(Options.Database.ConnectionString!, Options.DataPath, Microsoft.Extensions.Logging.Abstractions.NullLogger<Glance.ImageStore.Persistence.PostgresStoreDatabase>.Instance)
        : new Glance.ImageStore.Persistence.StoreDatabase(Options.DataPath, Options.WalLimitPages));

    /// <summary>An <see cref="Glance.ImageStore.Persistence.IStoreDatabase"/> that a test disposes.</summary>
    internal sealed class DatabaseHandle(Glance.ImageStore.Persistence.IStoreDatabase database) : IAsyncDisposable
    {
        public Glance.ImageStore.Persistence.IStoreDatabase Database => database;

        public async ValueTask DisposeAsync()
        {
            switch (database)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (!_ownsData)
        {
            return;
        }

        if (Engine == DatabaseProvider.PostgreSQL && DroppedBy is { } cluster)
        {
            await cluster.DropDatabaseAsync(Options.Database.ConnectionString!);
        }

        try
        {
            Directory.Delete(Options.DataPath, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}
