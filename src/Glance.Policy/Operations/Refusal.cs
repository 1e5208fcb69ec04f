using Glance.Policy.Errors;
using Glance.Policy.Members;
using Microsoft.AspNetCore.Http;

namespace Glance.Policy.Operations;

/// <summary>
/// A request Glance refuses: the status and the explanation of its error body.
/// <see cref="FromCodedCheck"/> marks a refusal Glance raises as its own <c>exception.Forbidden</c>
/// (a check coded in the controller, such as <c>check_is_image_mutable</c>), which some controllers
/// catch and re-word; a policy refusal is already a webob HTTP error there and passes through as is.
/// <see cref="PolicyRule"/> names the oslo.policy rule that refused (null where Glance's coded
/// checks did), <see cref="Reason"/> the coded check that refused; both are for the audit trail,
/// never part of the answer beyond what Glance writes.
/// </summary>
public sealed record Refusal(int StatusCode, string Explanation, bool FromCodedCheck = false, string? Detail = null, string? PolicyRule = null, string? Reason = null)
{
    /// <summary>
    /// A refusal Glance raises as <c>HTTPForbidden(msg)</c> / <c>HTTPConflict(msg)</c>: the message
    /// is webob's detail, after the status's default explanation.
    /// </summary>
    public static Refusal WithDetail(int statusCode, string message) => new(statusCode, GlanceErrorBody.DefaultExplanation(statusCode), Detail: message);

    /// <summary>webob's bare 404 (<c>The resource could not be found.</c>), with no rule behind it.</summary>
    public static Refusal ResourceNotFound { get; } = new(404, GlanceErrorWriter.ResourceNotFound);

    /// <summary>
    /// The bare 404 that <c>ImageAPIPolicy</c> raises to hide an image when <paramref name="rule"/>
    /// (or <c>get_image</c> after it) refuses.
    /// </summary>
    public static Refusal Hidden(string rule) => new(404, GlanceErrorWriter.ResourceNotFound, PolicyRule: rule);

    /// <summary>The 403 of a refused policy rule: Glance's <c>Forbidden</c> message naming the rule.</summary>
    public static Refusal NotAuthorized(string rule) => new(403, MemberDeletePolicy.NotAuthorized(rule), PolicyRule: rule);

    /// <summary>
    /// True when Glance's answer to this refusal carries text the edge does not write (a schema
    /// 400's jsonschema report after its first line): in <see cref="EdgeMode.Enforce"/> the edge
    /// records the decision and forwards the request for the backend to answer it in its own words.
    /// </summary>
    public bool WordedByBackend { get; init; }

    /// <summary>Headers Glance's answer carries beside the body (a PATCH's 415: <c>Accept-Patch</c>), or null.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; init; }

    /// <summary>Writes <see cref="Headers"/> and Glance's error body.</summary>
    public Task WriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        WriteHeaders(context, Headers);
        return GlanceErrorWriter.WriteAsync(context, StatusCode, Explanation, detail: Detail);
    }

    /// <summary>Sets each of <paramref name="headers"/> on the response.</summary>
    public static void WriteHeaders(HttpContext context, IReadOnlyList<KeyValuePair<string, string>>? headers)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (name, value) in headers ?? [])
        {
            context.Response.Headers[name] = value;
        }
    }
}
