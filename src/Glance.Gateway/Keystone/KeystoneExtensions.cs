using Microsoft.Extensions.Options;

namespace Glance.Gateway.Keystone;

/// <summary>Registration of Keystone authentication.</summary>
public static class KeystoneExtensions
{
    /// <summary>
    /// Validates tokens with Keystone when <c>Keystone:Url</c> is set, with the development tokens
    /// file otherwise (warned about at start-up).
    /// </summary>
    public static WebApplicationBuilder AddKeystone(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<KeystoneOptions>().BindConfiguration(KeystoneOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeystoneOptions>, KeystoneOptionsValidator>();

        var timeout = builder.Configuration.GetValue<double?>($"{KeystoneOptions.SectionName}:TimeoutSeconds") ?? 5;
        services.AddHttpClient(KeystoneClient.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(Math.Clamp(timeout, 0.1, 300)))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .RemoveAllLoggers();
        services.AddSingleton<KeystoneClient>();

        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{KeystoneOptions.SectionName}:Url"]))
        {
            services.AddSingleton<DevTokenValidator>();
            services.AddSingleton<ITokenValidator>(sp => sp.GetRequiredService<DevTokenValidator>());
            services.AddHostedService(sp => sp.GetRequiredService<DevTokenValidator>());
        }
        else
        {
            services.AddSingleton<ITokenValidator>(sp => sp.GetRequiredService<KeystoneClient>());
        }

        return builder;
    }

    /// <summary>Authenticates every request but version discovery and health.</summary>
    public static IApplicationBuilder UseKeystoneAuthentication(this IApplicationBuilder app) =>
        app.UseMiddleware<KeystoneAuthenticationMiddleware>();
}
