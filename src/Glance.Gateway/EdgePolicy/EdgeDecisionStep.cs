using Glance.Gateway.Keystone;
using Glance.Gateway.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Glance.Policy.Operations;
using Glance.Policy.Routing;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// The one edge-decision step, on whichever YARP route a request arrives: keyed on the operation
/// Glance's router routed to (a <c>_method</c> override included), it gathers what the operation's
/// decision reads (<see cref="EdgeFactsReader"/>, the JSON body), decides with the operation's
/// function and the rules in force (the same function and rules object the hosted store decides
/// with), and records the decision once for the audit. By the operation's mode:
/// <see cref="EdgeMode.Enforce"/> answers a refusal at the edge (it never reaches the backend; but a refusal
/// the backend words, <see cref="EdgeDecision.WordedByBackend"/>, which is recorded and forwarded) and
/// forwards an allow; <see cref="EdgeMode.Shadow"/> forwards either and compares at completion;
/// <see cref="EdgeMode.Off"/> forwards undecided. A refusal that rested on cached facts is decided
/// again on a fresh read before it is answered. When a candidate policy is configured, the same
/// input is also decided with its rules, for the audit only: it never changes the answer.
/// </summary>
public sealed partial class EdgeDecisionStep(
    EdgeFactsReader facts,
    EdgePolicyModes modes,
    Glance.Policy.Rules.IPolicyRulesProvider policy,
    Policy.CandidatePolicy candidate,
    ILogger<EdgeDecisionStep> logger)
{
    /// <summary>Runs the step.</summary>
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (EdgeRequestFeature.Require(context) is not { Registered: { } operation } edge)
        {
            await next();
            return;
        }

        var mode = modes.ModeOf(operation);
        if (mode == EdgeMode.Off)
        {
            edge.PassThrough();
            await next();
            return;
        }

        var caller = context.Features.Get<ICallerFeature>()
            ?? throw new InvalidOperationException("The edge decision ran on an unauthenticated request.");
        var (decision, answered) = await DecideAsync(context, edge, operation, new Caller(caller.Identity.Credentials, policy.Current));
        if (answered)
        {
            return;
        }

        if (decision is null)
        {
            await next();
            return;
        }

        // A refusal Glance words with text the edge does not write (a schema 400's report) is
        // recorded and forwarded: the backend refuses it before its rules, in its own words.
        var forwarded = decision.IsAllowed || mode == EdgeMode.Shadow || decision.WordedByBackend;
        edge.Decide(decision, mode, forwarded);
        if (mode == EdgeMode.Enforce && !forwarded)
        {
            Refusal.WriteHeaders(context, decision.Headers);
            await GlanceErrorWriter.WriteAsync(context, decision.StatusCode, decision.Explanation!, decision.Allow, decision.Detail);
            return;
        }

        if (mode == EdgeMode.Shadow && decision.IsAllowed)
        {
            edge.Shadow = ShadowCaptureStream.Attach(context);
        }

        await next();
    }

    // The decision; or none, answered: the step has answered itself (503: the facts cannot be
    // read); or none, not answered: a body too large to read, forwarded undecided.
    private async Task<(EdgeDecision? Decision, bool Answered)> DecideAsync(HttpContext context, EdgeRequestFeature edge, EdgeOperation operation, Caller caller)
    {
        var routed = GlanceRouterMiddleware.RoutingOf(context)!;
        var input = new EdgeInput(caller, edge.ImageId, edge.MemberId)
        {
            Values = routed.Values,
            ContentType = context.Request.ContentType,
            RawQuery = context.Request.QueryString.Value,
        };
        if (routed.Operation!.BodyReject && GlanceRequestBody.HasBody(context.Request))
        {
            // wsgi.Resource: a body where the action takes none is refused before the action runs.
            return (edge.CodedRefusal(MemberDeleteRule.BodyNotExpected, 400, GlanceErrorWriter.BodyNotExpected), false);
        }

        System.Text.Json.JsonDocument? document = null;
        try
        {
            if (operation.ReadsJsonBody)
            {
                var body = await EdgeRequestBody.ReadAsync(context.Request);
                if (body.TooLarge)
                {
                    Log.BodyTooLarge(logger, context.TraceIdentifier, operation.Name, EdgeRequestBody.MaxBytes);
                    edge.PassThrough();
                    return (null, false);
                }

                document = body.Document;
                input = input with { Body = document?.RootElement, BodyError = body.Error };
            }

            if (operation.Facts == EdgeFactsNeeded.None)
            {
                return (Judge(edge, operation, input), false);
            }

            var destination = EdgeFactsReader.PickDestination(context);
            if (destination is null)
            {
                await FailAsync(context, edge, "no destination in the cluster");
                return (null, true);
            }

            if (operation.Facts == EdgeFactsNeeded.Namespace)
            {
                var ns = await facts.ReadNamespaceAsync(context, destination, MetadefOperations.NamespaceName(input));
                return (Judge(edge, operation, input with { Namespace = ns }), false);
            }

            var read = await facts.ReadAsync(context, destination, operation, caller, edge.ImageId, edge.MemberId, fresh: false);
            var decision = Judge(edge, operation, input with { Image = read.Image, Membership = read.Membership });
            if (!decision.IsAllowed && read.FromCache)
            {
                read = await facts.ReadAsync(context, destination, operation, caller, edge.ImageId, edge.MemberId, fresh: true);
                decision = Judge(edge, operation, input with { Image = read.Image, Membership = read.Membership });
            }

            return (decision, false);
        }
        catch (Exception ex) when (ex is MetadataUnavailableException or Glance.ImageStore.Facts.ImageFactsUnavailableException)
        {
            // The backend (or the hosted store's database) cannot answer: Glance's 503, never a 500.
            await FailAsync(context, edge, ex.Message);
            return (null, true);
        }
        finally
        {
            document?.Dispose();
        }
    }

    // The live decision of the input; the candidate's of the same input recorded beside it; for
    // a refusal by a rule, the clause that failed (for the audit only: Glance's body stays exact).
    private EdgeDecision Judge(EdgeRequestFeature edge, EdgeOperation operation, EdgeInput input)
    {
        var decision = operation.Decide(input);
        var rules = candidate.Current;
        var candidates = rules is null ? null : operation.Decide(input with { Caller = new Caller(input.Caller.Credentials, rules) });
        edge.Read(input, candidates, rules);
        edge.FailedClause = decision is { IsAllowed: false, PolicyRule: { } rule } ? FailedClause(operation, input, rule) : null;
        return decision;
    }

    // The operation decided again with rules that report each query, and the refused query of
    // the rule that decided explained: the check that failed in each branch.
    private static string? FailedClause(EdgeOperation operation, EdgeInput input, string rule)
    {
        PolicyQuery? refused = null;
        var observed = input.Caller.Rules.Observed(query =>
        {
            if (!query.Allowed && (refused is null || query.Rule == rule))
            {
                refused = query;
            }
        });
        operation.Decide(input with { Caller = new Caller(input.Caller.Credentials, observed) });
        return refused is null ? null : PolicyExplainer.Explain(input.Caller.Rules, refused.Rule, refused.Credentials, refused.Target).FailedClause;
    }

    private async Task FailAsync(HttpContext context, EdgeRequestFeature edge, string reason)
    {
        Log.FactsUnavailable(logger, context.TraceIdentifier, edge.Operation, reason);
        edge.Fail();
        await GlanceErrorWriter.WriteAsync(context, 503, RoutingExtensions.Explanation(503));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Edge decision of {Operation} for request {RequestId} could not read the image facts ({Reason}); answering 503")]
        public static partial void FactsUnavailable(ILogger logger, string requestId, string operation, string reason);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Edge decision of {Operation} for request {RequestId}: the body is larger than {MaxBytes} bytes, forwarded undecided (the backend decides)")]
        public static partial void BodyTooLarge(ILogger logger, string requestId, string operation, int maxBytes);
    }
}
