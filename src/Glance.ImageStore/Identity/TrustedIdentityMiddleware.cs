using Glance.Policy.Errors;
using Glance.Policy.Identity;
using Glance.Policy.Language;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Identity;

/// <summary>
/// Reads the identity keystonemiddleware (or the gateway) established: <c>X-Identity-Status:
/// Confirmed</c>, <c>X-User-Id</c>, <c>X-Project-Id</c>, <c>X-Roles</c>, <c>OpenStack-System-Scope</c>
/// and the domain headers, and reads the policy rules in force once for the whole request.
/// Anything else is a 401 exactly as keystonemiddleware writes it. With <see cref="ImageStoreOptions.DevIdentity"/> enabled, a
/// request with an <c>X-Auth-Token</c> and no identity headers gets the configured identity.
/// </summary>
internal sealed partial class TrustedIdentityMiddleware(
    RequestDelegate next, IOptions<ImageStoreOptions> options, IPolicyRulesProvider rules, ILogger<TrustedIdentityMiddleware> logger)
{
    private readonly ImageStoreOptions _options = options.Value;
    private readonly PolicyCredentials? _devCredentials = options.Value.DevIdentity.Enabled
        ? new PolicyCredentials(options.Value.DevIdentity.UserId, options.Value.DevIdentity.ProjectId, SplitRoles(options.Value.DevIdentity.Roles))
        : null;

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (string.Equals(headers[IdentityHeaders.IdentityStatus].ToString(), IdentityHeaders.Confirmed, StringComparison.Ordinal))
        {
            var credentials = new PolicyCredentials(
                headers[IdentityHeaders.UserId].ToString(),
                headers[IdentityHeaders.ProjectId].ToString(),
                SplitRoles(headers[IdentityHeaders.Roles].ToString()),
                systemScope: headers[IdentityHeaders.SystemScope].ToString(),
                domainId: headers[IdentityHeaders.DomainId].ToString(),
                userDomainId: headers[IdentityHeaders.UserDomainId].ToString(),
                projectDomainId: headers[IdentityHeaders.ProjectDomainId].ToString(),
                isAdminProject: !string.Equals(headers[IdentityHeaders.IsAdminProject].ToString(), "false", StringComparison.OrdinalIgnoreCase));
            context.Features.Set(new CallerFeature(new Caller(credentials, rules.Current), credentials.UserId));
            return next(context);
        }

        if (_devCredentials is not null && !string.IsNullOrEmpty(headers["X-Auth-Token"].ToString()))
        {
            context.Features.Set(new CallerFeature(new Caller(_devCredentials, rules.Current), _devCredentials.UserId));
            return next(context);
        }

        Log.Unauthenticated(logger, context.TraceIdentifier, context.Request.Method, context.Request.Path.Value ?? string.Empty);
        return GlanceErrorWriter.WriteUnauthorizedAsync(context, _options.IdentityUri);
    }

    private static string[] SplitRoles(string roles) =>
        roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static partial class Log
    {
        [LoggerMessage(EventId = 11001, Level = LogLevel.Information, Message = "Request {RequestId} {Method} {Path} has no confirmed identity; answered 401")]
        public static partial void Unauthenticated(ILogger logger, string requestId, string method, string path);
    }
}
