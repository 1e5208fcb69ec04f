using Glance.Gateway.TokenCache;

namespace Glance.Gateway.Keystone;

/// <summary>The authenticated caller of a request (typed HttpContext feature, set by authentication).</summary>
public interface ICallerFeature
{
    /// <summary>The validated identity.</summary>
    CallerIdentity Identity { get; }

    /// <summary>Where the validation came from (L1, L2, or a Keystone call).</summary>
    TokenCacheResult CacheResult { get; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the gateway started on the request.</summary>
    long StartTimestamp { get; }

    /// <summary>The service whose <c>X-Service-Token</c> came with the request (validated), or null.</summary>
    CallerIdentity? Service { get; }
}

/// <summary>The one implementation of <see cref="ICallerFeature"/>.</summary>
public sealed record CallerFeature(CallerIdentity Identity, TokenCacheResult CacheResult, long StartTimestamp) : ICallerFeature
{
    /// <inheritdoc />
    public CallerIdentity? Service { get; init; }
}
