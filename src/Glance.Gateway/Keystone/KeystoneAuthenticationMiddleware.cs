using Glance.Gateway.EdgePolicy;
using Glance.Policy.Errors;
using Glance.Policy.Operations;
using Glance.Policy.Members;
using Glance.Gateway.Telemetry;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Keystone;

/// <summary>
/// Every request but <c>/</c>, <c>/versions</c> and the operator endpoints (<see cref="Routing.OperatorPaths"/>) needs one valid
/// <c>X-Auth-Token</c> (row 1): missing, duplicated, oversized, unknown or expired → 401 as
/// keystonemiddleware answers it; validator unreachable on a cache miss → 503; valid → the caller
/// is put on the request as <see cref="ICallerFeature"/>. An <c>X-Service-Token</c> is validated
/// first: invalid, or without one of <c>Keystone:ServiceTokenRoles</c> while they are required →
/// 401; with such a role the user's token is validated with <c>allow_expired</c>. A token of an
/// application credential with access rules must have a rule for the request (else 401).
/// </summary>
public sealed class KeystoneAuthenticationMiddleware(
    RequestDelegate next,
    TokenCache.TokenCache cache,
    IOptions<KeystoneOptions> options,
    Routing.OperatorPaths operatorPaths,
    Telemetry.GatewayMetrics metrics,
    TimeProvider time)
{
    /// <summary>The token header.</summary>
    public const string TokenHeader = "X-Auth-Token";

    /// <summary>The header of a service's own token, sent beside the user's (keystonemiddleware's service tokens).</summary>
    public const string ServiceTokenHeader = "X-Service-Token";

    private readonly string _challengeUri = options.Value.ChallengeUri;
    private readonly int _maxTokenLength = options.Value.MaxTokenLength;
    private readonly IReadOnlySet<string> _serviceRoles = options.Value.ServiceTokenRoleSet();
    private readonly bool _serviceRolesRequired = options.Value.ServiceTokenRolesRequired;
    private readonly string _serviceType = options.Value.ServiceType.Trim();

    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (operatorPaths.Contains(context.Request.Path))
        {
            await next(context);
            return;
        }

        var start = time.GetTimestamp();
        var values = context.Request.Headers[TokenHeader];
        var token = values.Count == 1 ? values[0] : null;
        if (token is null || !IsPlausible(token, _maxTokenLength))
        {
            if (token is not null)
            {
                metrics.RecordTokenLookup("invalid");
            }

            await RefuseAsync(context, 401, TokenCache.TokenCacheResult.None);
            return;
        }

        // keystonemiddleware's process_request: a service token first, validated like the user's
        // (same cache, its own entries); it must be valid and (by default) have a service role,
        // and its role lets the user's token be validated with allow_expired.
        CallerIdentity? service = null;
        var allowExpired = false;
        var serviceValues = context.Request.Headers[ServiceTokenHeader];
        if (serviceValues.Count > 0)
        {
            var serviceToken = serviceValues.Count == 1 ? serviceValues[0] : null;
            if (serviceToken is null || !IsPlausible(serviceToken, _maxTokenLength))
            {
                metrics.RecordTokenLookup("invalid");
                await RefuseAsync(context, 401, TokenCache.TokenCacheResult.None);
                return;
            }

            var serviceLookup = await LookupAsync(serviceToken, allowExpired: false, "service token validation", context.RequestAborted);
            if (serviceLookup.Outcome != TokenCheckOutcome.Valid)
            {
                await RefuseAsync(context, serviceLookup.Outcome == TokenCheckOutcome.Rejected ? 401 : 503, serviceLookup.Source);
                return;
            }

            var hasServiceRole = serviceLookup.Identity!.Roles.Any(_serviceRoles.Contains);
            if (_serviceRolesRequired && !hasServiceRole)
            {
                await RefuseAsync(context, 401, serviceLookup.Source);
                return;
            }

            service = serviceLookup.Identity;
            allowExpired = hasServiceRole;
        }

        var lookup = await LookupAsync(token, allowExpired, "token validation", context.RequestAborted);
        switch (lookup.Outcome)
        {
            case TokenCheckOutcome.Valid when !AccessRulesAllow(lookup.Identity!, context.Request, service is not null):
                await RefuseAsync(context, 401, lookup.Source);
                return;
            case TokenCheckOutcome.Valid:
                context.Features.Set<ICallerFeature>(new CallerFeature(lookup.Identity!, lookup.Source, start) { Service = service });
                await next(context);
                return;
            case TokenCheckOutcome.Rejected:
                await RefuseAsync(context, 401, lookup.Source);
                return;
            default:
                await RefuseAsync(context, 503, lookup.Source);
                return;
        }
    }

    private async ValueTask<TokenCache.TokenLookup> LookupAsync(string token, bool allowExpired, string spanName, CancellationToken cancellationToken)
    {
        using var activity = GatewayTelemetry.Source.StartActivity(spanName);
        var lookup = await cache.LookupAsync(token, allowExpired, cancellationToken);
        var result = ResultName(lookup);
        metrics.RecordTokenLookup(result);
        activity?.SetTag("glance.token_cache.result", result);
        return lookup;
    }

    /// <summary>
    /// keystonemiddleware's <c>validate_allowed_request</c>: a token of an application credential
    /// with access rules passes only with <c>Keystone:ServiceType</c> set and in its catalog, and
    /// then when a service token came along (a chain of services, not a user's request) or one
    /// rule has this service type, the method and a pattern matching the path (the canonical one,
    /// as keystonemiddleware sees it behind Glance's version negotiation).
    /// </summary>
    private bool AccessRulesAllow(CallerIdentity identity, HttpRequest request, bool withServiceToken)
    {
        if (identity.AccessRules is not { } rules)
        {
            return true;
        }

        if (_serviceType.Length == 0 || identity.CatalogServiceTypes?.Contains(_serviceType, StringComparer.Ordinal) != true)
        {
            return false;
        }

        if (withServiceToken)
        {
            return true;
        }

        var path = request.Path.Value ?? string.Empty;
        foreach (var rule in rules)
        {
            if (rule.Allows(_serviceType, request.Method, path))
            {
                return true;
            }
        }

        return false;
    }

    // The token cache lookup's metric label: where a valid token came from, or why there is none.
    private static string ResultName(TokenCache.TokenLookup lookup) => lookup.Outcome switch
    {
        TokenCheckOutcome.Valid => lookup.Source switch
        {
            TokenCache.TokenCacheResult.L1 => "l1",
            TokenCache.TokenCacheResult.L2 => "l2",
            _ => "miss",
        },
        TokenCheckOutcome.Rejected => "invalid",
        _ => "unavailable",
    };

    // Keystone tokens are printable ASCII (Fernet: base64url); anything else cannot be valid and
    // must not reach Keystone (or an HTTP header toward it).
    private static bool IsPlausible(string token, int maxLength)
    {
        if (token.Length == 0 || token.Length > maxLength)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private async Task RefuseAsync(HttpContext context, int status, TokenCache.TokenCacheResult source)
    {
        if (EdgeRequestFeature.Anticipate(context) is { } edge)
        {
            if (status == 401)
            {
                edge.Decide(edge.CodedRefusal(MemberDeleteRule.Unauthenticated, 401, null), tokenCache: source);
            }
            else
            {
                edge.Fail(source);
            }
        }

        if (status == 401)
        {
            await GlanceErrorWriter.WriteUnauthorizedAsync(context, _challengeUri);
        }
        else
        {
            await GlanceErrorWriter.WriteAsync(context, 503, GlanceErrorWriter.KeystoneUnavailable);
        }
    }
}
