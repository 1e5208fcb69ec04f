using Glance.Gateway.HeaderHygiene;
using Glance.Gateway.Hosting;
using Glance.Gateway.Keystone;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Tests.Hosting;

/// <summary>appsettings.example.json shows every setting, and what it shows is valid.</summary>
public sealed class AppSettingsExampleTests
{
    private static readonly IConfiguration Example = new ConfigurationBuilder().AddJsonFile(FindExample()).Build();

    [Theory]
    [InlineData(typeof(KeystoneOptions), KeystoneOptions.SectionName)]
    [InlineData(typeof(BackendOptions), BackendOptions.SectionName)]
    [InlineData(typeof(HostedImageStoreOptions), HostedImageStoreOptions.SectionName)]
    [InlineData(typeof(GatewayOptions), GatewayOptions.SectionName)]
    [InlineData(typeof(Glance.Gateway.Policy.PolicyOptions), Glance.Gateway.Policy.PolicyOptions.SectionName)]
    [InlineData(typeof(Glance.Gateway.Routing.GlanceRoutingOptions), Glance.Gateway.Routing.GlanceRoutingOptions.SectionName)]
    [InlineData(typeof(Glance.Gateway.Telemetry.TelemetryOptions), Glance.Gateway.Telemetry.TelemetryOptions.SectionName)]
    public void Example_ShowsEverySettingOfEachOptionsClass(Type options, string section)
    {
        ArgumentNullException.ThrowIfNull(options);
        var shown = Example.GetSection(section).GetChildren().Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var settable = options.GetProperties().Where(p => p.CanWrite).Select(p => p.Name);

        Assert.All(settable, name => Assert.Contains(name, shown));
    }

    [Fact]
    public void Example_ValuesPassStartupValidation()
    {
        var keystone = Example.GetSection(KeystoneOptions.SectionName).Get<KeystoneOptions>()!;
        keystone.CacheSecret = null;
        var backend = Example.GetSection(BackendOptions.SectionName).Get<BackendOptions>()!;
        var store = Example.GetSection(HostedImageStoreOptions.SectionName).Get<HostedImageStoreOptions>()!;
        var gateway = Example.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>()!;

        Assert.True(new KeystoneOptionsValidator().Validate(null, keystone).Succeeded);
        Assert.True(new BackendOptionsValidator(Options.Create(keystone)).Validate(null, backend).Succeeded);
        Assert.True(new HostedImageStoreOptionsValidator().Validate(null, store).Succeeded);
        Assert.True(new GatewayOptionsValidator().Validate(null, gateway).Succeeded);
        Assert.NotEmpty(Example["ConnectionStrings:Redis"]!);
        Assert.True(Example.GetSection("Serilog:Audit:WriteTo").Exists());
        Assert.True(Example.GetSection("Serilog:Access:WriteTo").Exists());
        var telemetry = Example.GetSection(Glance.Gateway.Telemetry.TelemetryOptions.SectionName).Get<Glance.Gateway.Telemetry.TelemetryOptions>()!;
        Assert.True(new Glance.Gateway.Telemetry.TelemetryOptionsValidator().Validate(null, telemetry).Succeeded);
        Assert.Equal(5, Glance.Gateway.TokenCache.TokenCacheExtensions.RedisRetryInterval(Example).TotalSeconds);
    }

    private static string FindExample()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "appsettings.example.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("appsettings.example.json not found above " + AppContext.BaseDirectory);
    }
}
