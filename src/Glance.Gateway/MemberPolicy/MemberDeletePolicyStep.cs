using Glance.Gateway.Auditing;
using Glance.Gateway.Keystone;
using Glance.Gateway.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Yarp.ReverseProxy.Model;

namespace Glance.Gateway.MemberPolicy;

/// <summary>
/// Rows 5-8 on the route marked <c>"Glance.MemberPolicy": "true"</c>: reads the image and the one
/// membership the rules need from the backend, decides with the store's own <see cref="MemberDeletePolicy"/>, writes
/// a denial itself (it never reaches the backend), or lets YARP forward an allowed DELETE and
/// returns the backend's answer as is. One audit event per decision, with the backend's status.
/// </summary>
public sealed partial class MemberDeletePolicyStep(ImageMetadataClient metadata, MemberDeleteAudit audit, ILogger<MemberDeletePolicyStep> logger)
{
    /// <summary>The route metadata key that switches the pre-check on.</summary>
    public const string MetadataKey = "Glance.MemberPolicy";

    /// <summary>Runs the step.</summary>
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!HttpMethods.IsDelete(context.Request.Method) || !IsPolicyRoute(context)
            || !MemberPath.TryParse(context.Request.Path, out var path) || !path.IsMember)
        {
            await next();
            return;
        }

        var caller = context.Features.Get<ICallerFeature>()
            ?? throw new InvalidOperationException("The member-DELETE pre-check ran on an unauthenticated request.");
        var destination = PickDestination(context);
        if (destination is null)
        {
            await ErrorAsync(context, path, caller, 503, "no destination in the cluster");
            return;
        }

        var identity = caller.Identity;
        var who = identity.PolicyCaller;
        ImageFacts? facts;
        try
        {
            facts = await metadata.ReadAsync(destination, path.ImageId, who, path.MemberId!, context.TraceIdentifier, context.RequestAborted);
        }
        catch (MetadataUnavailableException ex)
        {
            await ErrorAsync(context, path, caller, 503, ex.Message);
            return;
        }

        var decision = MemberDeletePolicy.Decide(facts, who, path.ImageId, path.MemberId!);
        if (!decision.IsAllowed)
        {
            audit.Write(context, path, identity, decision.Rule, decision.StatusCode, null, caller.CacheResult, caller.StartTimestamp);
            await GlanceErrorWriter.WriteAsync(context, decision.StatusCode, decision.Explanation!);
            return;
        }

        await next();
        var status = context.Response.StatusCode;
        audit.Write(context, path, identity, decision.Rule, status, status, caller.CacheResult, caller.StartTimestamp);
    }

    private static bool IsPolicyRoute(HttpContext context)
    {
        var metadata = context.GetReverseProxyFeature().Route.Config.Metadata;
        return metadata is not null && metadata.TryGetValue(MetadataKey, out var value)
            && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
    }

    private static string? PickDestination(HttpContext context)
    {
        var feature = context.GetReverseProxyFeature();
        IReadOnlyList<DestinationState> destinations = feature.AvailableDestinations.Count > 0 ? feature.AvailableDestinations : feature.AllDestinations;
        return destinations.Count > 0 ? destinations[0].Model.Config.Address : null;
    }

    private async Task ErrorAsync(HttpContext context, MemberPath path, ICallerFeature caller, int status, string reason)
    {
        Log.MetadataUnavailable(logger, context.TraceIdentifier, reason);
        audit.Write(context, path, caller.Identity, rule: null, status, null, caller.CacheResult, caller.StartTimestamp);
        await GlanceErrorWriter.WriteAsync(context, status, RoutingExtensions.Explanation(status));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Member-DELETE pre-check for request {RequestId} could not read the image metadata ({Reason}); answering 503")]
        public static partial void MetadataUnavailable(ILogger logger, string requestId, string reason);
    }
}
