using Glance.ImageStore.Cache;
using Glance.ImageStore.Discovery;
using Glance.ImageStore.Facts;
using Glance.ImageStore.Hosting;
using Glance.ImageStore.Identity;
using Glance.ImageStore.ImageData;
using Glance.ImageStore.Import;
using Glance.ImageStore.Images;
using Glance.ImageStore.Members;
using Glance.ImageStore.Metadefs;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.ImageStore.Schemas;
using Glance.ImageStore.Tasks;
using Glance.Policy.Errors;
using Glance.Policy.RequestIds;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore;

/// <summary>
/// Builds the image store as its own <see cref="WebApplication"/> (its own Kestrel and services),
/// so that it runs standalone (<c>Program.cs</c>) or hosted alongside the gateway in one process.
/// The pipeline below is the request's path through the store, in order.
/// </summary>
public static class ImageStoreApplication
{
    /// <summary>
    /// Validates <paramref name="options"/>, creates or migrates the database under
    /// <see cref="ImageStoreOptions.DataPath"/>, and returns the store ready to start on
    /// <see cref="ImageStoreOptions.Url"/>. After <c>StartAsync</c>, <c>app.Urls</c> holds the
    /// address actually bound (useful with port 0).
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <param name="configureLogging">Lets a host route the store's logs into its own logging.</param>
    /// <param name="policy">
    /// The policy rules in force (a host shares its own, and may replace them while the store runs);
    /// null: the store builds its own once from <see cref="ImageStoreOptions.Policy"/>.
    /// </param>
    /// <exception cref="OptionsValidationException">A setting is wrong, or the policy file is not a policy file; the message says which.</exception>
    /// <exception cref="InvalidOperationException">The PostgreSQL database could not be reached or migrated; the message says which server.</exception>
    public static WebApplication Build(ImageStoreOptions options, Action<ILoggingBuilder>? configureLogging = null, IPolicyRulesProvider? policy = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ownPolicy = policy is null;
        var validation = new ImageStoreOptionsValidator(ownPolicy).Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(ImageStoreOptions.SectionName, typeof(ImageStoreOptions), validation.Failures);
        }

        // Read once, here: a file that is not a policy file stops the store before it listens.
        policy ??= new PolicyRulesHolder(ImageStorePolicy.Load(options.Policy));

        // An empty builder: the store reads no appsettings, environment or arguments of its own;
        // everything comes in through options, so a host cannot leak its settings into the store.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ImageStoreApplication).Assembly.GetName().Name,
        });
        builder.WebHost.UseImageStoreKestrel(options);
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddImageStoreOptions(options, ownPolicy);
        configureLogging?.Invoke(builder.Logging);

        builder.Services.AddSingleton(policy);
        builder.Services.AddImageStorePersistence(options);
        builder.Services.AddSingleton<IImageFactsReader, ImageFactsReader>();
        builder.Services.AddSingleton<INamespaceFactsReader, NamespaceFactsReader>();
        builder.Services.AddTrustedIdentity();
        builder.Services.AddImages();
        builder.Services.AddImageData();
        builder.Services.AddMembers();
        builder.Services.AddSchemas();
        builder.Services.AddMetadefs();
        builder.Services.AddDiscovery();
        builder.Services.AddImageImport();
        builder.Services.AddTasks();
        builder.Services.AddImageCache();

        var app = builder.Build();
        try
        {
            app.Services.MigrateImageStoreDatabase();
            app.Services.LoadShippedMetadefs();
        }
        catch
        {
            ((IDisposable)app).Dispose();
            throw;
        }

        app.Services.GetService<StoreMetrics>(); // SQLite: its instruments exist from the start
        if (ownPolicy)
        {
            ImageStorePolicy.LogLoaded(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ImageStorePolicy).FullName!), policy.Current);
        }

        // Glance's pipeline: healthcheck, OPTIONS and version negotiation before anything else (no
        // request id, no identity); then the request id, authentication, Glance's router (404,
        // 405, 501, the /v2 redirect, body checks), and only then ASP.NET Core's routing, on the
        // canonical path. An operation of Glance's the store does not implement is a 404.
        app.UseMetricsComponentTag();
        app.UseGlanceRequestTarget();
        app.UseOpenStackRequestId();
        app.UseGlanceExceptionHandler();
        app.UseDatabaseUnavailable();
        app.UseTrustedIdentity();
        app.UseGlanceRouter();
        app.UseImageCache();
        app.UseRouting();
        app.MapImages();
        app.MapImageData();
        app.MapMembers();
        app.MapSchemas();
        app.MapMetadefs();
        app.MapDiscovery();
        app.MapImageImport();
        app.MapTasks();
        app.MapImageCache();
        app.MapGlanceNotFound();
        return app;
    }
}
