using Microsoft.AspNetCore.Http;

namespace Glance.Policy.Routing;

/// <summary>webob's <c>Request.has_body</c>, which Glance's "a body is not expected" check reads.</summary>
public static class RequestBody
{
    /// <summary>True for a <c>Transfer-Encoding</c>, or a <c>Content-Length</c> above zero.</summary>
    public static bool HasBody(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
    }
}
