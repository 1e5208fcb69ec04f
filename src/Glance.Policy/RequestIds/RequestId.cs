namespace Glance.Policy.RequestIds;

/// <summary>
/// <c>X-Openstack-Request-Id</c> as Glance (oslo.middleware) handles it: <c>req-</c> + a lower-case
/// UUID4 when the client sends none; a client value echoed back, prefixed <c>req-</c> if it lacks
/// it. Glance answers 500 to a value longer than 64 characters; here such a value, or one with
/// characters outside a safe set, is replaced by a fresh id.
/// </summary>
public static class RequestId
{
    /// <summary>The header name, in Glance's spelling.</summary>
    public const string HeaderName = "X-Openstack-Request-Id";

    /// <summary>The longest client-supplied id that is echoed.</summary>
    public const int MaxLength = 64;

    /// <summary>A fresh id.</summary>
    public static string New() => "req-" + Guid.NewGuid().ToString("D");

    /// <summary>The id to use for a request that carried <paramref name="supplied"/>.</summary>
    public static string FromClient(string? supplied)
    {
        if (string.IsNullOrEmpty(supplied) || supplied.Length > MaxLength || !IsSafe(supplied))
        {
            return New();
        }

        var id = supplied.StartsWith("req-", StringComparison.Ordinal) ? supplied : "req-" + supplied;
        return id.Length > MaxLength + 4 ? New() : id;
    }

    private static bool IsSafe(string value)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
