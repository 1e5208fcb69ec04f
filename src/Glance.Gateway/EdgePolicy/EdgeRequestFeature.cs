using Glance.Gateway.TokenCache;
using Glance.Policy.Members;
using Glance.Policy.Operations;
using Glance.Policy.Routing;

namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// A request on an operation the edge decides: the operation and the ids Glance's router took from
/// the path (parsed once, by the router, or by authentication when it refuses before the router
/// runs), the mode it ran in, and the one decision recorded for it. <see cref="Auditing.EdgeAuditMiddleware"/>
/// writes the audit event from it when the request completes. Steps read it through
/// <see cref="Require"/>, which throws when the router has not run.
/// </summary>
public sealed class EdgeRequestFeature(string operation, string imageId, string? memberId, EdgeOperation? registered = null)
{
    /// <summary>
    /// The operation named in the audit for a request on the member path that Glance's router
    /// answers itself (a method the path does not take, CONFORMANCE row 3) or does not route (a
    /// blank image id, row 2): the seed's rows, recorded as before the other operations came.
    /// </summary>
    public const string MemberPathOperation = "member_path";

    /// <summary>The operation's name (the registered one's, or the member path's for the seed's shape rows).</summary>
    public string Operation { get; } = operation;

    /// <summary>The registered operation, or null for a request decided before one was routed (a blank image id).</summary>
    public EdgeOperation? Registered { get; } = registered;

    /// <summary>The image id from the path, empty when the route has none.</summary>
    public string ImageId { get; } = imageId;

    /// <summary>The member id from the path, or null.</summary>
    public string? MemberId { get; } = memberId;

    /// <summary>The mode the decision ran in.</summary>
    public EdgeMode Mode { get; private set; } = EdgeMode.Enforce;

    /// <summary>The decision; null before one is made, and for an error (no decision could be made).</summary>
    public EdgeDecision? Decision { get; private set; }

    /// <summary>True once a decision, an error or a pass-through (<see cref="EdgeMode.Off"/>) was recorded.</summary>
    public bool IsDecided { get; private set; }

    /// <summary>True when the request was forwarded (its status is the backend's).</summary>
    public bool Forwarded { get; private set; }

    /// <summary>Where the token's validation came from, when no caller was established.</summary>
    public TokenCacheResult TokenCache { get; private set; }

    /// <summary>In <see cref="EdgeMode.Shadow"/>, the start of the backend's error body, to compare a predicted allow with.</summary>
    public ShadowCaptureStream? Shadow { get; set; }

    /// <summary>
    /// What the decision read (the caller's credentials, the ids and the facts; never the body),
    /// for the replayable audit event; null when nothing was decided by an operation's function.
    /// </summary>
    public EdgeInput? Input { get; private set; }

    /// <summary>
    /// For a refusal by a rule, the check that failed in each branch of that rule (oslo.policy
    /// text, e.g. <c>role:admin; project_id:%(project_id)s</c>): the audit's, never the client's.
    /// </summary>
    public string? FailedClause { get; set; }

    /// <summary>The candidate policy's decision of the same input, when a candidate is configured.</summary>
    public EdgeDecision? Candidate { get; private set; }

    /// <summary>The candidate rules <see cref="Candidate"/> was decided with.</summary>
    public Glance.Policy.Rules.PolicyRules? CandidateRules { get; private set; }

    /// <summary>
    /// Records the input the operation's function decided (the body dropped: it is not kept
    /// past the decision) and the candidate's decision of it, if any. The last call stands (a
    /// refusal on cached facts is decided again on fresh ones).
    /// </summary>
    public void Read(EdgeInput input, EdgeDecision? candidate, Glance.Policy.Rules.PolicyRules? candidateRules)
    {
        ArgumentNullException.ThrowIfNull(input);
        (Input, Candidate, CandidateRules) = (input with { Body = null }, candidate, candidateRules);
    }

    /// <summary>
    /// The refusal of one of the coded checks that CONFORMANCE section 1 numbers (no token, a
    /// blank image id, a method the path does not take, a body where none is taken): on the
    /// member path it carries its row, on any other operation only the check's name.
    /// </summary>
    public EdgeDecision CodedRefusal(MemberDeleteRule check, int status, string? explanation, string? allow = null) =>
        new(Operation, check.ToString(), Operation is "delete_member" or MemberPathOperation ? (int)check : null, null, status, explanation, Allow: allow);

    /// <summary>Records a decision made at the edge; the first one recorded stands.</summary>
    public void Decide(EdgeDecision decision, EdgeMode mode = EdgeMode.Enforce, bool forwarded = false, TokenCacheResult tokenCache = TokenCacheResult.None)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!IsDecided)
        {
            (IsDecided, Decision, Mode, Forwarded, TokenCache) = (true, decision, mode, forwarded, tokenCache);
        }
    }

    /// <summary>Records that no decision could be made (the answer is a 503).</summary>
    public void Fail(TokenCacheResult tokenCache = TokenCacheResult.None)
    {
        if (!IsDecided)
        {
            (IsDecided, Decision, Forwarded, TokenCache) = (true, null, false, tokenCache);
        }
    }

    /// <summary>Records a request forwarded undecided (<see cref="EdgeMode.Off"/>).</summary>
    public void PassThrough()
    {
        if (!IsDecided)
        {
            (IsDecided, Decision, Mode, Forwarded) = (true, null, EdgeMode.Off, true);
        }
    }

    /// <summary>The feature of a request, or null when it is not on a decided operation.</summary>
    public static EdgeRequestFeature? Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<EdgeRequestFeature>();
    }

    /// <summary>The feature the router set; throws when a step runs before the router did.</summary>
    public static EdgeRequestFeature? Require(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<GlanceRouting>() is null && context.Features.Get<EdgeRequestFeature>() is null)
        {
            throw new InvalidOperationException("An edge-decision step ran before Glance's router.");
        }

        return context.Features.Get<EdgeRequestFeature>();
    }

    /// <summary>
    /// Sets the feature for a routed operation the edge decides (<see cref="EdgeOperations.Find"/>):
    /// the router's parameters are the ids. Returns null when the operation is not one.
    /// </summary>
    public static EdgeRequestFeature? Attach(HttpContext context, GlanceRouting routing)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(routing);
        if (EdgeOperations.Find(routing.Operation) is not { } operation)
        {
            return null;
        }

        var feature = new EdgeRequestFeature(operation.Name, routing.Value("image_id") ?? string.Empty, routing.Value("member_id"), operation);
        context.Features.Set(feature);
        return feature;
    }

    /// <summary>
    /// The feature of a request refused before the router ran (authentication) or that the router
    /// does not route (a blank image id on the member path, the seed's row 2): the operation its
    /// target and method would be routed to, without the <c>_method</c> of a form body; null when
    /// it is none the edge decides.
    /// </summary>
    public static EdgeRequestFeature? Anticipate(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Of(context) is { } existing)
        {
            return existing;
        }

        var target = RequestTarget.Of(context);
        EdgeRequestFeature? feature = null;
        if (target.HasBlankImageId)
        {
            if (MemberPath.TryParse(target, out var path))
            {
                feature = path.IsMember && HttpMethods.IsDelete(context.Request.Method)
                    ? new EdgeRequestFeature("delete_member", path.ImageId, path.MemberId, EdgeOperations.Named("delete_member"))
                    : new EdgeRequestFeature(MemberPathOperation, path.ImageId, path.MemberId);
            }
        }
        else if (target.Kind == RequestTargetKind.Api
            && GlanceRoutes.Resolve(target, context.Request.Method, formOverride: null) is { Outcome: GlanceRouteOutcome.Operation } routing
            && EdgeOperations.Find(routing.Operation) is { } operation)
        {
            feature = new EdgeRequestFeature(operation.Name, routing.Value("image_id") ?? string.Empty, routing.Value("member_id"), operation);
        }

        if (feature is not null)
        {
            context.Features.Set(feature);
        }

        return feature;
    }
}
