using Glance.Policy.Rules;

namespace Glance.Gateway.Policy;

/// <summary>Registration of Glance's policy: the switches, the operator's file and its watcher.</summary>
public static class PolicyExtensions
{
    /// <summary>Loads the rules at start-up (before the hosted store starts) and reloads them on change.</summary>
    public static WebApplicationBuilder AddGlancePolicy(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PolicyOptions>().BindConfiguration(PolicyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PolicyFileWatcher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PolicyFileWatcher>());
        builder.Services.AddSingleton<IPolicyRulesProvider>(services => services.GetRequiredService<PolicyFileWatcher>().Rules);
        return builder;
    }
}
