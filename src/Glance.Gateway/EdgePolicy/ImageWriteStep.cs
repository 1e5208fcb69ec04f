namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// Keeps <see cref="ImageFactsCache"/> honest: a request that may change an image's visibility or
/// owner (any method but GET and HEAD on <c>/v2/images/{id}</c> or below, the member resources
/// excepted) forgets the image before it is forwarded and again once the backend has answered,
/// so that no read racing the write can leave the old facts behind.
/// </summary>
public sealed class ImageWriteStep(ImageFactsCache cache)
{
    private const string Prefix = "/v2/images/";

    /// <summary>Runs the step.</summary>
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var imageId = cache.IsEnabled ? ChangedImage(context.Request.Method, context.Request.Path) : null;
        if (imageId is null)
        {
            await next();
            return;
        }

        cache.Forget(imageId);
        try
        {
            await next();
        }
        finally
        {
            cache.Forget(imageId);
        }
    }

    /// <summary>The image id a request may change the facts of, or null.</summary>
    public static string? ChangedImage(string method, PathString path)
    {
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            return null;
        }

        var value = path.Value;
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal) || value.Length == Prefix.Length)
        {
            return null;
        }

        var rest = value.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash == 0)
        {
            return null;
        }

        if (slash > 0 && rest[slash..].StartsWith("/members", StringComparison.Ordinal))
        {
            return null;
        }

        return (slash < 0 ? rest : rest[..slash]).ToString();
    }
}
