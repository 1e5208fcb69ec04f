using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Policy;

/// <summary>Registration of Glance's policy: the switches, the operator's file and its watcher.</summary>
public static class PolicyExtensions
{
    /// <summary>Loads the rules (and the candidate's) at start-up, before the hosted store starts, and reloads them on change.</summary>
    public static WebApplicationBuilder AddGlancePolicy(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PolicyOptions>().BindConfiguration(PolicyOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>();
        builder.Services.AddSingleton<PolicyFileWatcher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PolicyFileWatcher>());
        builder.Services.AddSingleton<IPolicyRulesProvider>(services => services.GetRequiredService<PolicyFileWatcher>().Rules);
        builder.Services.AddSingleton<CandidatePolicy>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CandidatePolicy>());
        builder.Services.AddSingleton<PolicyRevision>();
        return builder;
    }
}

/// <summary>The data annotations of <see cref="PolicyOptions"/>, checked by generated code (no reflection, AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class PolicyOptionsValidator : IValidateOptions<PolicyOptions>;
