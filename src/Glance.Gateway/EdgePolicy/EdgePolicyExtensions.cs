using Microsoft.Extensions.Options;

namespace Glance.Gateway.EdgePolicy;

/// <summary>Registration of the edge decisions: the facts readers, the modes and the proxy steps.</summary>
public static class EdgePolicyExtensions
{
    /// <summary>Registers the facts readers, the operations' modes (<c>EdgePolicy</c>, validated on start) and the proxy steps.</summary>
    public static WebApplicationBuilder AddEdgePolicy(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<EdgePolicyOptions>().BindConfiguration(EdgePolicyOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EdgePolicyOptions>, EdgePolicyOptionsValidator>();
        builder.Services.AddSingleton<EdgePolicyModes>();
        builder.Services.AddSingleton<ImageFactsCache>();
        builder.Services.AddSingleton<ImageWriteStep>();
        builder.Services.AddSingleton<BackendHttpClients>();
        builder.Services.AddSingleton<ImageMetadataClient>();
        builder.Services.AddSingleton<EdgeFactsReader>();
        builder.Services.AddSingleton<MemberPathShapeStep>();
        builder.Services.AddSingleton<EdgeDecisionStep>();
        return builder;
    }

    /// <summary>Writes to an image through any route forget what the edge remembers of it.</summary>
    public static IReverseProxyApplicationBuilder UseImageWriteTracking(this IReverseProxyApplicationBuilder proxy) =>
        proxy.UseStep<ImageWriteStep>(step => step.InvokeAsync);

    /// <summary>The seed's row 2 (a blank image id on the member path) on any route it arrives on.</summary>
    public static IReverseProxyApplicationBuilder UseMemberPathShape(this IReverseProxyApplicationBuilder proxy) =>
        proxy.UseStep<MemberPathShapeStep>(step => step.InvokeAsync);

    /// <summary>Every operation the edge decides, on any route; must come before load balancing.</summary>
    public static IReverseProxyApplicationBuilder UseEdgeDecisions(this IReverseProxyApplicationBuilder proxy) =>
        proxy.UseStep<EdgeDecisionStep>(step => step.InvokeAsync);

    private static IReverseProxyApplicationBuilder UseStep<T>(this IReverseProxyApplicationBuilder proxy, Func<T, Func<HttpContext, Func<Task>, Task>> invoke)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(proxy);
        proxy.Use(invoke(proxy.ApplicationServices.GetRequiredService<T>()));
        return proxy;
    }
}
