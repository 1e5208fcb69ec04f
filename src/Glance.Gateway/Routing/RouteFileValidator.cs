using Yarp.ReverseProxy.Configuration;

namespace Glance.Gateway.Routing;

/// <summary>
/// Checks an edited routes file the way YARP will, before it is handed over: YARP's own
/// conversion (a throwaway <c>LoadFromConfig</c> container) and its <see cref="IConfigValidator"/>,
/// plus routes naming a cluster the file does not have. So a broken edit is refused with one line
/// naming every problem, instead of reaching the proxy.
/// </summary>
public static class RouteFileValidator
{
    /// <summary>The problems of the configuration; empty when YARP would take it.</summary>
    public static async Task<IReadOnlyList<string>> ValidateAsync(IEnumerable<KeyValuePair<string, string?>> data)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(data).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRouting();
        services.AddAuthorization();
        services.AddCors();
        services.AddReverseProxy().LoadFromConfig(configuration.GetSection("ReverseProxy"));
        await using var provider = services.BuildServiceProvider();

        IProxyConfig config;
        try
        {
            config = provider.GetRequiredService<IProxyConfigProvider>().GetConfig();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            return [ex.InnerException?.Message ?? ex.Message];
        }

        var validator = provider.GetRequiredService<IConfigValidator>();
        var problems = new List<string>();
        var clusters = config.Clusters.Select(c => c.ClusterId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var route in config.Routes)
        {
            problems.AddRange((await validator.ValidateRouteAsync(route)).Select(e => e.Message));
            if (route.ClusterId is not null && !clusters.Contains(route.ClusterId))
            {
                problems.Add($"Route '{route.RouteId}' names the cluster '{route.ClusterId}', which the file does not define.");
            }
        }

        foreach (var cluster in config.Clusters)
        {
            problems.AddRange((await validator.ValidateClusterAsync(cluster)).Select(e => e.Message));
        }

        return problems;
    }
}
