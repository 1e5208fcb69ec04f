using Glance.Gateway.HeaderHygiene;
using Glance.Gateway.Keystone;
using Glance.Gateway.TokenCache;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Tests.HeaderHygiene;

/// <summary>The header hygiene middleware on a DefaultHttpContext, without a server.</summary>
public sealed class HeaderHygieneMiddlewareTests
{
    private static readonly CallerIdentity SystemAdmin = new("sys", null, null, null, ["admin"], true, DateTimeOffset.MaxValue);

    [Fact]
    public async Task HeadersMode_SystemScopedCaller_GetsTrustedHeadersOnly()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Auth-Token"] = "secret-token";
        context.Request.Headers["X_Project_Id"] = "project-a";
        context.Request.Headers["openstack-system-scope"] = "all";
        context.Request.Headers["X-Service-Roles"] = "admin";
        context.Request.Headers["Accept"] = "application/json";
        context.Features.Set<ICallerFeature>(new CallerFeature(SystemAdmin, TokenCacheResult.L1, 0));

        await Middleware(BackendIdentity.Headers).InvokeAsync(context);

        var headers = context.Request.Headers;
        Assert.Equal(
            ["Accept", "OpenStack-System-Scope", "X-Identity-Status", "X-Roles", "X-User-Id"],
            headers.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("all", headers["OpenStack-System-Scope"].ToString());
        Assert.Equal("admin", headers["X-Roles"].ToString());
    }

    [Fact]
    public async Task TokenMode_KeepsTheToken_SetsNoIdentity()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Auth-Token"] = "caller-token";
        context.Request.Headers["X-Roles"] = "admin";
        context.Features.Set<ICallerFeature>(new CallerFeature(SystemAdmin, TokenCacheResult.L1, 0));

        await Middleware(BackendIdentity.Token).InvokeAsync(context);

        Assert.Equal(["X-Auth-Token"], context.Request.Headers.Keys.ToArray());
    }

    private static HeaderHygieneMiddleware Middleware(BackendIdentity mode) =>
        new(_ => Task.CompletedTask, Options.Create(new BackendOptions { Identity = mode }));
}
