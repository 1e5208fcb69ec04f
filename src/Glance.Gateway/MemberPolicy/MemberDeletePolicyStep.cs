using Glance.Gateway.Hosting;
using Glance.Gateway.Keystone;
using Glance.Gateway.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Routing;
using Glance.Policy.Rules;
using Yarp.ReverseProxy.Model;

namespace Glance.Gateway.MemberPolicy;

/// <summary>
/// The member-DELETE pre-check, on whichever route a member DELETE arrives: gathers
/// the image and the one membership Glance's delete path reads — in process from the hosted
/// store, or through the backend's Glance API — decides with <see cref="MemberDeletePolicy"/> and
/// the rules in force (the same function and rules object the hosted store uses), writes a denial
/// itself (it never reaches the backend), or lets YARP forward an allowed DELETE and returns the
/// backend's answer as is. The decision is recorded once for the audit.
/// </summary>
public sealed partial class MemberDeletePolicyStep(
    ImageMetadataClient metadata,
    ImageFactsCache images,
    ImageStoreAddress hostedStore,
    IPolicyRulesProvider policy,
    ILogger<MemberDeletePolicyStep> logger)
{
    /// <summary>Runs the step.</summary>
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        // Keyed on the operation Glance's router routes to (a _method override included),
        // whichever YARP route carries it: no route edit lets a member DELETE through undecided.
        if (!IsMemberDelete(context) || MemberRequestFeature.Of(context) is not { Path.IsMember: true } member)
        {
            await next();
            return;
        }

        var path = member.Path;
        var caller = context.Features.Get<ICallerFeature>()
            ?? throw new InvalidOperationException("The member-DELETE pre-check ran on an unauthenticated request.");
        var rules = policy.Current;
        var destination = PickDestination(context);
        if (destination is null)
        {
            await ErrorAsync(context, member, 503, "no destination in the cluster");
            return;
        }

        var credentials = caller.Identity.Credentials;
        ImageFacts? image;
        MembershipFacts membership;
        try
        {
            (image, membership) = await ReadAsync(destination, path, credentials, rules.IsAdmin(credentials), context);
        }
        catch (Exception ex) when (ex is MetadataUnavailableException or Glance.ImageStore.Facts.ImageFactsUnavailableException)
        {
            // The backend (or the hosted store's database) cannot answer: Glance's 503, never a 500.
            await ErrorAsync(context, member, 503, ex.Message);
            return;
        }

        var decision = MemberDeletePolicy.Decide(image, membership, credentials, path.ImageId, path.MemberId!, rules);
        member.Decide(decision.Rule, decision.PolicyRule, forwarded: decision.IsAllowed);
        if (!decision.IsAllowed)
        {
            await GlanceErrorWriter.WriteAsync(context, decision.StatusCode, decision.Explanation!);
            return;
        }

        await next();
    }

    // The facts Glance's delete path reads: in process when the destination is the hosted store
    // (its own reader, its own database), else over HTTP with the service identity.
    private async Task<(ImageFacts? Image, MembershipFacts Membership)> ReadAsync(
        string destination, MemberPath path, PolicyCredentials credentials, bool isAdmin, HttpContext context)
    {
        var project = credentials.ProjectId;
        var memberId = path.MemberId!;
        if (hostedStore.Facts is { } local && IsHostedStore(destination))
        {
            // Which row to read with the image depends on its owner: what was last read of it
            // (ImageFactsCache) picks it, so that one statement usually does; the facts decided
            // on are always the ones just read, and a wrong pick costs a second read.
            var guess = images.TryGet(path.ImageId, out var known)
                ? MemberDeletePolicy.MembershipToRead(isAdmin, project, known.Visibility, known.Owner, memberId)
                : isAdmin ? memberId : project;
            var (image, isMember) = await local.ReadAsync(path.ImageId, guess, context.RequestAborted);
            if (image is null)
            {
                return (null, default);
            }

            images.Set(image);

            var probe = MemberDeletePolicy.MembershipToRead(isAdmin, project, image.Visibility, image.Owner, memberId);
            if (!string.Equals(probe, guess, StringComparison.Ordinal))
            {
                isMember = probe is not null && (await local.ReadAsync(path.ImageId, probe, context.RequestAborted)).IsMember;
            }

            return (image, MemberDeletePolicy.Membership(probe, isMember, project, memberId));
        }

        var (facts, member, found) = await metadata.ReadAsync(
            context.GetReverseProxyFeature().Cluster.Config,
            destination,
            path.ImageId,
            image => MemberDeletePolicy.MembershipToRead(isAdmin, project, image.Visibility, image.Owner, memberId),
            context.TraceIdentifier,
            context.RequestAborted);
        return (facts, MemberDeletePolicy.Membership(member, found, project, memberId));
    }

    private static bool IsMemberDelete(HttpContext context) =>
        Routing.GlanceRouterMiddleware.RoutingOf(context) is { Operation: { } operation }
            ? operation is { Controller: "image_members", Action: "delete" }
            : HttpMethods.IsDelete(context.Request.Method);

    // The hosted store's cluster destination is its bound address as HostedStoreDestinationFilter
    // writes it (Uri.ToString, which the Uri keeps): a string comparison, no Uri per request.
    private bool IsHostedStore(string destination) =>
        hostedStore.Current is { } bound && string.Equals(destination, bound.ToString(), StringComparison.OrdinalIgnoreCase);

    private static string? PickDestination(HttpContext context)
    {
        var feature = context.GetReverseProxyFeature();
        IReadOnlyList<DestinationState> destinations = feature.AvailableDestinations.Count > 0 ? feature.AvailableDestinations : feature.AllDestinations;
        return destinations.Count > 0 ? destinations[0].Model.Config.Address : null;
    }

    private async Task ErrorAsync(HttpContext context, MemberRequestFeature member, int status, string reason)
    {
        Log.MetadataUnavailable(logger, context.TraceIdentifier, reason);
        member.Decide(rule: null);
        await GlanceErrorWriter.WriteAsync(context, status, RoutingExtensions.Explanation(status));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Member-DELETE pre-check for request {RequestId} could not read the image metadata ({Reason}); answering 503")]
        public static partial void MetadataUnavailable(ILogger logger, string requestId, string reason);
    }
}
