using Glance.Gateway.MemberPolicy;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Glance.Gateway.Telemetry;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Keystone;

/// <summary>
/// Every request but <c>/</c>, <c>/versions</c> and the operator endpoints (<see cref="Routing.OperatorPaths"/>) needs one valid
/// <c>X-Auth-Token</c> (row 1): missing, duplicated, oversized, unknown or expired → 401 as
/// keystonemiddleware answers it; validator unreachable on a cache miss → 503; valid → the caller
/// is put on the request as <see cref="ICallerFeature"/>.
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

    private readonly string _challengeUri = options.Value.ChallengeUri;
    private readonly int _maxTokenLength = options.Value.MaxTokenLength;

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

        TokenCache.TokenLookup lookup;
        using (var activity = GatewayTelemetry.Source.StartActivity("token validation"))
        {
            lookup = await cache.LookupAsync(token, context.RequestAborted);
            var result = ResultName(lookup);
            metrics.RecordTokenLookup(result);
            activity?.SetTag("glance.token_cache.result", result);
        }

        switch (lookup.Outcome)
        {
            case TokenCheckOutcome.Valid:
                context.Features.Set<ICallerFeature>(new CallerFeature(lookup.Identity!, lookup.Source, start));
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
        if (HttpMethods.IsDelete(context.Request.Method) && MemberRequestFeature.Of(context) is { Path.IsMember: true } member)
        {
            member.Decide(status == 401 ? MemberDeleteRule.Unauthenticated : null, tokenCache: source);
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
