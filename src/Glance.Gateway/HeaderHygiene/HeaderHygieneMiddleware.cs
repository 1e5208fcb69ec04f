using Glance.Gateway.Keystone;
using Glance.Policy.Identity;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.HeaderHygiene;

/// <summary>
/// Before anything is forwarded: removes every client-supplied identity header (any case, '-' or
/// '_', <c>OpenStack-System-Scope</c> and the <c>X-Service-*</c> set included) and method-override
/// headers; then, in Headers mode, sets the trusted keystonemiddleware headers from the validated
/// caller (and the <c>X-Service-*</c> set of a validated service token) and drops the tokens, or
/// in Token mode leaves the caller's <c>X-Auth-Token</c> (and a validated <c>X-Service-Token</c>)
/// for the backend to validate.
/// </summary>
public sealed class HeaderHygieneMiddleware(RequestDelegate next, IOptions<BackendOptions> options)
{
    private static readonly string[] MethodOverrides = ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"];
    private readonly BackendIdentity _mode = options.Value.Identity;

    /// <summary>Runs the middleware.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        var serviceToken = headers[KeystoneAuthenticationMiddleware.ServiceTokenHeader];
        List<string>? spoofed = null;
        foreach (var header in headers)
        {
            if (IdentityHeaders.IsIdentityHeader(header.Key) || IsMethodOverride(header.Key))
            {
                (spoofed ??= []).Add(header.Key);
            }
        }

        if (spoofed is not null)
        {
            foreach (var name in spoofed)
            {
                headers.Remove(name);
            }
        }

        var caller = context.Features.Get<ICallerFeature>();
        if (_mode == BackendIdentity.Token && caller?.Service is not null)
        {
            // Token mode: both tokens go on, for the backend's keystonemiddleware to validate.
            headers[KeystoneAuthenticationMiddleware.ServiceTokenHeader] = serviceToken;
        }

        if (_mode == BackendIdentity.Headers)
        {
            headers.Remove(KeystoneAuthenticationMiddleware.TokenHeader);
            if (caller?.Service is { } service)
            {
                // keystonemiddleware's set_service_headers: the service's identity, X-Service-*.
                headers["X-Service-Identity-Status"] = IdentityHeaders.Confirmed;
                headers["X-Service-User-Id"] = service.UserId;
                SetIfKnown(headers, "X-Service-User-Name", service.UserName);
                SetIfKnown(headers, "X-Service-Project-Id", service.ProjectId);
                SetIfKnown(headers, "X-Service-Project-Name", service.ProjectName);
                headers["X-Service-Roles"] = service.RolesHeader;
            }

            if (caller is not null)
            {
                var identity = caller.Identity;
                headers[IdentityHeaders.IdentityStatus] = IdentityHeaders.Confirmed;
                headers[IdentityHeaders.UserId] = identity.UserId;
                if (identity.UserName is not null)
                {
                    headers[IdentityHeaders.UserName] = identity.UserName;
                }

                if (identity.ProjectId is not null)
                {
                    headers[IdentityHeaders.ProjectId] = identity.ProjectId;
                }

                if (identity.ProjectName is not null)
                {
                    headers[IdentityHeaders.ProjectName] = identity.ProjectName;
                }

                headers[IdentityHeaders.Roles] = identity.RolesHeader;
                if (identity.SystemScope)
                {
                    headers[IdentityHeaders.SystemScope] = "all";
                }
            }
        }

        return next(context);
    }

    private static void SetIfKnown(IHeaderDictionary headers, string name, string? value)
    {
        if (value is not null)
        {
            headers[name] = value;
        }
    }

    private static bool IsMethodOverride(string name)
    {
        var normalized = name.Replace('_', '-');
        foreach (var candidate in MethodOverrides)
        {
            if (string.Equals(candidate, normalized, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Registration of header hygiene.</summary>
public static class HeaderHygieneExtensions
{
    /// <summary>Binds and validates the backend options.</summary>
    public static WebApplicationBuilder AddHeaderHygiene(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<BackendOptions>().BindConfiguration(BackendOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BackendOptions>, BackendOptionsValidator>();
        return builder;
    }

    /// <summary>Strips client identity headers and sets the trusted ones.</summary>
    public static IApplicationBuilder UseHeaderHygiene(this IApplicationBuilder app) =>
        app.UseMiddleware<HeaderHygieneMiddleware>();
}
