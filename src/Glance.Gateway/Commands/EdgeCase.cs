using System.Text.Json;
using Glance.Gateway.EdgePolicy;
using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Operations;

namespace Glance.Gateway.Commands;

/// <summary>
/// One request for the policy commands to decide: the registered operation, the caller, the facts
/// the edge would have read (the image and its member projects, or the namespace), the member id
/// and other values of the path, and the request's body where the operation reads one.
/// </summary>
internal sealed record EdgeCase(EdgeOperation Operation, PolicyCredentials Credentials)
{
    /// <summary>The image id of the path when there is no image (a lookup miss).</summary>
    public const string PlaceholderImageId = "00000000-0000-4000-8000-000000000000";

    /// <summary>The image, or null for none (a lookup miss).</summary>
    public ImageFacts? Image { get; init; }

    /// <summary>The image id of the path; null for the image's own (or <see cref="PlaceholderImageId"/> without one).</summary>
    public string? ImageId { get; init; }

    /// <summary>The projects the image is shared with.</summary>
    public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>The path's member id (member operations), or null.</summary>
    public string? MemberId { get; init; }

    /// <summary>The route's metadef namespace, or null.</summary>
    public NamespaceFacts? Namespace { get; init; }

    /// <summary>The request body's bytes, or null for none.</summary>
    public ReadOnlyMemory<byte>? Body { get; init; }

    /// <summary>The request's query string, or null.</summary>
    public string? Query { get; init; }

    /// <summary>The request's Content-Type; null picks the one the operation expects.</summary>
    public string? ContentType { get; init; }

    /// <summary>Other values of the path (<c>tag_value</c>, <c>namespace</c>, <c>store_id</c>, ...).</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Decides the case with <paramref name="rules"/> as the edge step does (the same registered
    /// function, the membership row chosen by <see cref="EdgeOperation.MembershipToRead"/>), and
    /// explains the rule that decided with the target the function built for it.
    /// </summary>
    public CaseResult Decide(PolicySet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var queries = new List<Glance.Policy.Rules.PolicyQuery>();
        var caller = new Caller(Credentials, rules.Rules.Observed(queries.Add));
        var input = new EdgeInput(caller, ImageId ?? Image?.Id ?? PlaceholderImageId, MemberId)
        {
            Values = Values,
            RawQuery = Query,
            Image = Image,
            Namespace = Namespace,
            ContentType = ContentType ?? (Body is null ? null : DefaultContentType(Operation)), // no body, no type: as a client sends it
            Membership = MembershipOf(caller),
        };

        JsonDocument? document = null;
        try
        {
            if (Operation.ReadsJsonBody)
            {
                var body = Body is { } bytes ? EdgeRequestBody.Parse(bytes) : EdgeRequestBody.Missing;
                document = body.Document;
                input = input with { Body = document?.RootElement, BodyError = body.Error };
            }

            var decision = Operation.Decide(input);
            var explanation = decision.PolicyRule is { } rule && queries.LastOrDefault(q => q.Rule == rule) is { } query
                ? Glance.Policy.Rules.PolicyExplainer.Explain(rules.Rules, query.Rule, query.Credentials, query.Target)
                : null;
            return new CaseResult(rules, decision, explanation, [.. queries.Select(q => (q.Rule, q.Allowed))]);
        }
        finally
        {
            document?.Dispose();
        }
    }

    /// <summary>
    /// The case of a request line (<see cref="RequestLine"/>): its operation, and the image id,
    /// member id, other path values and query the router took from it.
    /// </summary>
    public static EdgeCase Routed(string requestLine, PolicyCredentials credentials)
    {
        var (operation, values, query) = RequestLine.Route(requestLine);
        return new EdgeCase(operation, credentials)
        {
            ImageId = values.TryGetValue("image_id", out var image) ? image : null,
            MemberId = values.TryGetValue("member_id", out var member) ? member : null,
            Values = values,
            Query = query,
        };
    }

    private MembershipFacts MembershipOf(Caller caller)
    {
        if (Image is not { } image)
        {
            return default;
        }

        var probe = Operation.MembershipToRead(caller.IsAdmin, caller.ProjectId, image.Visibility, image.Owner, MemberId);
        var isMember = probe is not null && Members.Contains(probe, StringComparer.Ordinal);
        return EdgeOperation.Membership(probe, isMember, caller.ProjectId, MemberId);
    }

    // What a client sends for the operation: JSON patch for PATCH, octet-stream for data, else JSON.
    private static string DefaultContentType(EdgeOperation operation) => operation.Name switch
    {
        "modify_image" => "application/openstack-images-v2.1-json-patch",
        "upload_image" or "stage_image" => "application/octet-stream",
        _ => "application/json",
    };
}
