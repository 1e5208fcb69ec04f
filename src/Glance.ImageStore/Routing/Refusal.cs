using Glance.Policy.Errors;
using Glance.Policy.Members;

namespace Glance.ImageStore.Routing;

/// <summary>
/// A request Glance refuses: the status and the explanation of its error body.
/// <see cref="FromCodedCheck"/> marks a refusal Glance raises as its own <c>exception.Forbidden</c>
/// (a check coded in the controller, such as <c>check_is_image_mutable</c>), which some controllers
/// catch and re-word; a policy refusal is already a webob HTTP error there and passes through as is.
/// </summary>
internal sealed record Refusal(int StatusCode, string Explanation, bool FromCodedCheck = false, string? Detail = null)
{
    /// <summary>
    /// A refusal Glance raises as <c>HTTPForbidden(msg)</c> / <c>HTTPConflict(msg)</c>: the message
    /// is webob's detail, after the status's default explanation.
    /// </summary>
    public static Refusal WithDetail(int statusCode, string message) => new(statusCode, GlanceErrorBody.DefaultExplanation(statusCode), Detail: message);

    /// <summary>webob's bare 404, which <c>ImageAPIPolicy</c> raises to hide an image the policy does not let the caller see.</summary>
    public static Refusal ResourceNotFound { get; } = new(404, GlanceErrorWriter.ResourceNotFound);

    /// <summary>The 403 of a refused policy rule: Glance's <c>Forbidden</c> message naming the rule.</summary>
    public static Refusal NotAuthorized(string rule) => new(403, MemberDeletePolicy.NotAuthorized(rule));

    /// <summary>Writes Glance's error body.</summary>
    public Task WriteAsync(HttpContext context) => GlanceErrorWriter.WriteAsync(context, StatusCode, Explanation, detail: Detail);
}
