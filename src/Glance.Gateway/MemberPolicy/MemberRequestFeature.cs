using Glance.Gateway.TokenCache;
using Glance.Policy.Members;
using Glance.Policy.Routing;

namespace Glance.Gateway.MemberPolicy;

/// <summary>
/// A request on Glance's member resources: its member path, parsed once from the request target,
/// and the decision the gateway made on it, recorded once by the step that made it (authentication,
/// the shape rows, the pre-check). <see cref="Auditing.MemberAuditMiddleware"/> writes the one
/// audit event from it when the request completes.
/// </summary>
public sealed class MemberRequestFeature(MemberPath path)
{
    /// <summary>The member path or collection.</summary>
    public MemberPath Path { get; } = path;

    /// <summary>True once a step recorded its decision.</summary>
    public bool IsDecided { get; private set; }

    /// <summary>The row that decided; null when no decision could be made (503).</summary>
    public MemberDeleteRule? Rule { get; private set; }

    /// <summary>The policy rule that decided, or null where a coded check did.</summary>
    public string? PolicyRule { get; private set; }

    /// <summary>True when the request was forwarded (its status is the backend's).</summary>
    public bool Forwarded { get; private set; }

    /// <summary>Where the token's validation came from, when no caller was established.</summary>
    public TokenCacheResult TokenCache { get; private set; }

    /// <summary>Records the decision; the first one recorded stands.</summary>
    public void Decide(MemberDeleteRule? rule, string? policyRule = null, bool forwarded = false, TokenCacheResult tokenCache = TokenCacheResult.None)
    {
        if (IsDecided)
        {
            return;
        }

        (IsDecided, Rule, PolicyRule, Forwarded, TokenCache) = (true, rule, policyRule, forwarded, tokenCache);
    }

    /// <summary>The feature of a member request, parsing its target the first time; null when it is not one.</summary>
    public static MemberRequestFeature? Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<MemberRequestFeature>() is { } feature)
        {
            return feature;
        }

        if (!MemberPath.TryParse(RequestTarget.Of(context), out var path))
        {
            return null;
        }

        feature = new MemberRequestFeature(path);
        context.Features.Set(feature);
        return feature;
    }
}
