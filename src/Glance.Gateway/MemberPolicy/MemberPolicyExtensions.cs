namespace Glance.Gateway.MemberPolicy;

/// <summary>Registration of the member-DELETE pre-check.</summary>
public static class MemberPolicyExtensions
{
    /// <summary>Registers the metadata reader and the two proxy steps.</summary>
    public static WebApplicationBuilder AddMemberPolicy(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ImageFactsCache>();
        builder.Services.AddSingleton<ImageWriteStep>();
        builder.Services.AddSingleton<BackendHttpClients>();
        builder.Services.AddSingleton<ImageMetadataClient>();
        builder.Services.AddSingleton<MemberPathShapeStep>();
        builder.Services.AddSingleton<MemberDeletePolicyStep>();
        return builder;
    }

    /// <summary>Writes to an image through any route forget what the pre-check remembers of it.</summary>
    public static IReverseProxyApplicationBuilder UseImageWriteTracking(this IReverseProxyApplicationBuilder proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var step = proxy.ApplicationServices.GetRequiredService<ImageWriteStep>();
        proxy.Use(step.InvokeAsync);
        return proxy;
    }

    /// <summary>Rows 2-4 on any route a member path arrives on.</summary>
    public static IReverseProxyApplicationBuilder UseMemberPathShape(this IReverseProxyApplicationBuilder proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var step = proxy.ApplicationServices.GetRequiredService<MemberPathShapeStep>();
        proxy.Use(step.InvokeAsync);
        return proxy;
    }

    /// <summary>Rows 5-8 on the route marked with the member policy; must come before load balancing.</summary>
    public static IReverseProxyApplicationBuilder UseMemberDeletePolicy(this IReverseProxyApplicationBuilder proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var step = proxy.ApplicationServices.GetRequiredService<MemberDeletePolicyStep>();
        proxy.Use(step.InvokeAsync);
        return proxy;
    }
}
