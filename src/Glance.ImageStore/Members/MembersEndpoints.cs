using System.Text.Json;
using Glance.ImageStore.Identity;
using Glance.ImageStore.Images;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Members;

/// <summary>
/// <c>/v2/images/{image_id}/members[/{member_id}]</c> as Glance 25 answers it with its legacy
/// policy. DELETE follows CONFORMANCE.md section 1 through <see cref="MemberDeletePolicy"/>; the
/// other methods follow image_members.py (visibility through <see cref="MemberDeletePolicy.CanSee"/>).
/// </summary>
internal sealed partial class MembersEndpoints(MemberRepository members, IPolicyRulesProvider rules, TimeProvider time, IOptions<ImageStoreOptions> options, ILogger<MembersEndpoints> logger)
{
    private readonly long _maxJsonBytes = options.Value.MaxJsonBodyBytes;

    /// <summary>The collection: GET lists, POST adds; anything else is a 405 with <c>Allow: GET, POST</c>.</summary>
    public Task CollectionAsync(HttpContext context)
    {
        var imageId = Resource.Id(context, "imageId", 2);
        return context.Request.Method switch
        {
            "GET" => ListAsync(context, imageId),
            "POST" => AddAsync(context, imageId),
            _ => Resource.MethodNotAllowedAsync(context, MemberDeletePolicy.MembersCollectionAllow),
        };
    }

    /// <summary>The member path: rows 2-4 first (shape), then GET, PUT or DELETE.</summary>
    public Task MemberAsync(HttpContext context)
    {
        var imageId = Resource.Id(context, "imageId", 2);
        var memberId = Resource.Id(context, "memberId", 4);
        var method = context.Request.Method;
        var shape = MemberDeletePolicy.CheckShape(method, imageId, Resource.HasBody(context));
        if (shape is not null)
        {
            Log.Decided(logger, context.TraceIdentifier, method, imageId, memberId, (int)shape.Rule, shape.StatusCode);
            return GlanceErrorWriter.WriteAsync(context, shape.StatusCode, shape.Explanation!, shape.StatusCode == 405 ? MemberDeletePolicy.MemberPathAllow : null);
        }

        return method switch
        {
            "DELETE" => DeleteAsync(context, imageId, memberId),
            "PUT" => UpdateAsync(context, imageId, memberId),
            _ => ShowAsync(context, imageId, memberId),
        };
    }

    private async Task DeleteAsync(HttpContext context, string imageId, string memberId)
    {
        var caller = context.GetCaller().Caller;
        MemberDeleteDecision decision;
        for (var attempt = 0; ; attempt++)
        {
            var image = await members.FindImageAsync(imageId, caller.ProjectId, memberId, includeRows: false, context.RequestAborted);
            decision = MemberDeletePolicy.Decide(image?.ToFacts(), image?.Membership ?? default, caller.Credentials, imageId, memberId, rules.Current);

            // The delete holds only while the image is as the decision saw it; when another request
            // removed the member or changed the image in between, decide again on fresh facts.
            if (!decision.IsAllowed
                || await members.DeleteAsync(imageId, memberId, image!.Visibility, image.Owner, context.RequestAborted))
            {
                break;
            }

            if (attempt == 2)
            {
                decision = new(MemberDeleteRule.MemberNotFound, 404, MemberDeletePolicy.MemberNotFound(memberId, imageId));
                break;
            }
        }

        Log.Decided(logger, context.TraceIdentifier, "DELETE", imageId, memberId, (int)decision.Rule, decision.StatusCode);
        if (decision.IsAllowed)
        {
            await Resource.NoContentAsync(context);
            return;
        }

        await GlanceErrorWriter.WriteAsync(context, decision.StatusCode, decision.Explanation!);
    }

    private async Task ListAsync(HttpContext context, string imageId)
    {
        var caller = context.GetCaller().Caller;
        var image = await members.FindImageAsync(imageId, caller.ProjectId, memberId: null, includeRows: true, context.RequestAborted);
        if (image is null || !ImageVisibility.IsVisible(image.ToFacts(), caller.IsAdmin, caller.ProjectId, image.CallerIsMember))
        {
            await GlanceErrorWriter.WriteAsync(context, 404, MemberDeletePolicy.ImageNotFound(imageId));
            return;
        }

        if (image.Visibility != ImageVisibility.Shared)
        {
            await GlanceErrorWriter.WriteAsync(context, 403, $"Not allowed to list members for image {image.Id}: Only shared images have members.");
            return;
        }

        // Glance's database filter: admin and owner see every member, anyone else only their own row.
        var visible = caller.IsAdmin || IsOwner(caller, image)
            ? image.Members
            : image.Members.Where(m => m.MemberId == caller.ProjectId);
        await JsonResponse.WriteAsync(context, 200, writer => MemberJson.WriteList(writer, visible));
    }

    private async Task ShowAsync(HttpContext context, string imageId, string memberId)
    {
        var caller = context.GetCaller().Caller;
        var image = await members.FindImageAsync(imageId, caller.ProjectId, memberId, includeRows: false, context.RequestAborted);
        if (image is null || !ImageVisibility.IsVisible(image.ToFacts(), caller.IsAdmin, caller.ProjectId, image.CallerIsMember))
        {
            await GlanceErrorWriter.WriteAsync(context, 404, MemberDeletePolicy.ImageNotFound(imageId));
            return;
        }

        // Glance turns every refusal here into a 404, so as not to leak what exists.
        if (image.Visibility != ImageVisibility.Shared)
        {
            await GlanceErrorWriter.WriteAsync(context, 404, "Only shared images have members.");
            return;
        }

        var member = image.Member;
        if (member is null || !(caller.IsAdmin || IsOwner(caller, image) || memberId == caller.ProjectId))
        {
            await GlanceErrorWriter.WriteAsync(context, 404, MemberDeletePolicy.MemberNotFound(memberId, image.Id));
            return;
        }

        await JsonResponse.WriteAsync(context, 200, writer => MemberJson.Write(writer, member));
    }

    private async Task AddAsync(HttpContext context, string imageId)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        if (body.RootElement.ValueKind != JsonValueKind.Object)
        {
            await GlanceErrorWriter.WriteAsync(context, 400, "Expected a member in the form: {\"member\": \"image_id\"}");
            return;
        }

        if (!body.RootElement.TryGetProperty("member", out var memberElement))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, "Member to be added not specified");
            return;
        }

        if (memberElement.ValueKind is JsonValueKind.Null or JsonValueKind.False
            || (memberElement.ValueKind == JsonValueKind.String && memberElement.GetString()!.Length == 0))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, "Member can't be empty");
            return;
        }

        if (memberElement.ValueKind != JsonValueKind.String || memberElement.GetString()!.Length > 255)
        {
            await GlanceErrorWriter.WriteAsync(context, 400, "Member must be a project id: a string of at most 255 characters.");
            return;
        }

        var memberId = memberElement.GetString()!;
        var caller = context.GetCaller().Caller;
        var image = await members.FindImageAsync(imageId, caller.ProjectId, memberId, includeRows: false, context.RequestAborted);
        if (image is null || !ImageVisibility.IsVisible(image.ToFacts(), caller.IsAdmin, caller.ProjectId, image.CallerIsMember))
        {
            await GlanceErrorWriter.WriteAsync(context, 404, MemberDeletePolicy.ImageNotFound(imageId));
            return;
        }

        if (image.Visibility != ImageVisibility.Shared || !(caller.IsAdmin || IsOwner(caller, image)))
        {
            await GlanceErrorWriter.WriteAsync(context, 403, $"Not allowed to create members for image {image.Id}.");
            return;
        }

        var added = await members.AddAsync(image.Id, memberId, GlanceTime.Format(time.GetUtcNow()), context.RequestAborted);
        if (added is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 409, $"Member {memberId} is duplicated for image {image.Id}");
            return;
        }

        Log.MemberAdded(logger, context.TraceIdentifier, image.Id, memberId);
        await JsonResponse.WriteAsync(context, 200, writer => MemberJson.Write(writer, added));
    }

    private async Task UpdateAsync(HttpContext context, string imageId, string memberId)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        if (body.RootElement.ValueKind != JsonValueKind.Object)
        {
            await GlanceErrorWriter.WriteAsync(context, 400, "Expected a status in the form: {\"status\": \"status\"}");
            return;
        }

        if (!body.RootElement.TryGetProperty("status", out var statusElement))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, "Status not specified");
            return;
        }

        var caller = context.GetCaller().Caller;
        var image = await members.FindImageAsync(imageId, caller.ProjectId, memberId, includeRows: false, context.RequestAborted);
        if (image is null || !ImageVisibility.IsVisible(image.ToFacts(), caller.IsAdmin, caller.ProjectId, image.CallerIsMember))
        {
            await GlanceErrorWriter.WriteAsync(context, 404, MemberDeletePolicy.ImageNotFound(imageId));
            return;
        }

        // Legacy policy: only shared images have members, and the owner may not set a status.
        if (image.Visibility != ImageVisibility.Shared || (!caller.IsAdmin && IsOwner(caller, image)))
        {
            await GlanceErrorWriter.WriteAsync(context, 403, $"Not allowed to update members for image {image.Id}.");
            return;
        }

        // A non-admin sees only its own membership, so another project's member is "not found".
        if (!image.MemberExists || !(caller.IsAdmin || memberId == caller.ProjectId))
        {
            await GlanceErrorWriter.WriteAsync(context, 404, MemberDeletePolicy.MemberNotFound(memberId, image.Id));
            return;
        }

        var status = statusElement.ValueKind == JsonValueKind.String ? statusElement.GetString() : null;
        if (!MemberStatus.IsValid(status))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, "Incorrect request: Status must be \"pending\", \"accepted\" or \"rejected\".");
            return;
        }

        var updated = await members.UpdateStatusAsync(image.Id, memberId, status!, GlanceTime.Format(time.GetUtcNow()), context.RequestAborted);
        if (updated is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 404, MemberDeletePolicy.MemberNotFound(memberId, image.Id));
            return;
        }

        await JsonResponse.WriteAsync(context, 200, writer => MemberJson.Write(writer, updated));
    }

    private static bool IsOwner(Caller caller, MemberImage image) =>
        image.Owner is not null && string.Equals(caller.ProjectId, image.Owner, StringComparison.Ordinal);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Member {Method} {RequestId} image {ImageId} member {MemberId}: rule {Rule}, status {Status}")]
        public static partial void Decided(ILogger logger, string requestId, string method, string imageId, string memberId, int rule, int status);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Member added {RequestId} image {ImageId} member {MemberId}")]
        public static partial void MemberAdded(ILogger logger, string requestId, string imageId, string memberId);
    }
}
