namespace Glance.Gateway.TokenCache;

/// <summary>Where a token's validation came from (an audit field).</summary>
public enum TokenCacheResult
{
    /// <summary>No lookup was made (no token, or a token refused on sight).</summary>
    None,

    /// <summary>The in-process cache.</summary>
    L1,

    /// <summary>The distributed cache (Redis).</summary>
    L2,

    /// <summary>Neither: the validator (Keystone) was asked.</summary>
    Miss,
}
