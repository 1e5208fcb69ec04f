using System.Text.Json;
using Glance.ImageStore.Identity;
using Glance.ImageStore.Images;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Members;

/// <summary>
/// <c>/v2/images/{image_id}/members[/{member_id}]</c> as Glance 25 answers it, in either policy
/// mode. DELETE follows CONFORMANCE.md sections 1 and 5 through <see cref="MemberDeletePolicy"/>;
/// the other methods follow image_members.py step by step: <c>_lookup_image</c> (the database's
/// visibility), <c>_check_visibility_and_ownership</c> and the member rules
/// (<see cref="MemberPolicy"/>), <c>_lookup_member</c> (the rows the database lets the caller read).
/// </summary>
internal sealed partial class MembersEndpoints(MemberRepository members, TimeProvider time, IOptions<ImageStoreOptions> options, ILogger<MembersEndpoints> logger)
{
    private readonly long _maxJsonBytes = options.Value.MaxJsonBodyBytes;

    /// <summary>The collection: GET lists, POST adds; anything else is a 405 with <c>Allow: GET, POST</c>.</summary>
    public Task CollectionAsync(HttpContext context)
    {
        var imageId = Resource.Id(context, "image_id");
        return Resource.Method(context) switch
        {
            "GET" => ListAsync(context, imageId),
            "POST" => AddAsync(context, imageId),
            _ => Resource.MethodNotAllowedAsync(context, MemberDeletePolicy.MembersCollectionAllow),
        };
    }

    /// <summary>The member path: rows 2-4 first (shape), then GET, PUT or DELETE.</summary>
    public Task MemberAsync(HttpContext context)
    {
        var imageId = Resource.Id(context, "image_id");
        var memberId = Resource.Id(context, "member_id");
        var method = Resource.Method(context);
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
            decision = MemberDeletePolicy.Decide(image?.Facts, image?.Membership ?? default, caller.Credentials, imageId, memberId, caller.Rules);

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
            // ImageMembersController.delete returns webob.Response(body='', status=204): no Content-Type.
            await Resource.NoContentAsync(context, contentType: false);
            return;
        }

        await GlanceErrorWriter.WriteAsync(context, decision.StatusCode, decision.Explanation!);
    }

    // ImageMembersController.index.
    private async Task ListAsync(HttpContext context, string imageId)
    {
        var caller = context.GetCaller().Caller;
        var (found, input) = await LookupImageAsync(context, caller, imageId, memberId: null, includeRows: true);
        if (MemberOperations.List(input) is { } refusal)
        {
            await RefuseAsync(context, "GET", imageId, null, refusal);
            return;
        }

        var image = found!;
        var policy = MemberPolicy.For(caller, image.Facts);

        // The rows the database lets the caller read, each kept when get_member allows (on the image: all or none).
        var visible = policy.MayGetMember() ? image.Members.Where(m => policy.MayReadRow(m.MemberId)) : [];
        await JsonResponse.WriteAsync(context, 200, writer => MemberJson.WriteList(writer, visible));
    }

    // ImageMembersController.show: every refusal after the image lookup becomes a 404 with its
    // explanation, so as not to leak what exists.
    private async Task ShowAsync(HttpContext context, string imageId, string memberId)
    {
        var caller = context.GetCaller().Caller;
        var (found, input) = await LookupImageAsync(context, caller, imageId, memberId, includeRows: false);
        var refusal = MemberOperations.Show(input);
        if (refusal is null)
        {
            (var member, refusal) = LookupMember(MemberPolicy.For(caller, found!.Facts), found, memberId);
            if (refusal is null)
            {
                await JsonResponse.WriteAsync(context, 200, writer => MemberJson.Write(writer, member!));
                return;
            }
        }

        await RefuseAsync(context, "GET", imageId, memberId, refusal);
    }

    // ImageMembersController.create.
    private async Task AddAsync(HttpContext context, string imageId)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        var (memberId, bad) = MemberOperations.NewMember(body.RootElement);
        if (bad is not null)
        {
            await bad.WriteAsync(context);
            return;
        }

        var caller = context.GetCaller().Caller;
        var (found, input) = await LookupImageAsync(context, caller, imageId, memberId, includeRows: false);
        if (MemberOperations.Add(input with { Body = body.RootElement }) is { } refusal)
        {
            await RefuseAsync(context, "POST", imageId, memberId, refusal);
            return;
        }

        var image = found!;

        var (added, imageGone) = await members.AddAsync(image.Id, memberId!, GlanceTime.Format(time.GetUtcNow()), context.RequestAborted);
        if (imageGone)
        {
            // Deleted between the lookup and the add: as if the lookup had not found it.
            await GlanceErrorWriter.WriteAsync(context, 404, MemberDeletePolicy.ImageNotFound(imageId));
            return;
        }

        if (added is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 409, $"Member {memberId} is duplicated for image {imageId}");
            return;
        }

        Log.MemberAdded(logger, context.TraceIdentifier, image.Id, memberId!);
        await JsonResponse.WriteAsync(context, 200, writer => MemberJson.Write(writer, added));
    }

    // ImageMembersController.update.
    private async Task UpdateAsync(HttpContext context, string imageId, string memberId)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        if (MemberOperations.NewStatus(body.RootElement) is { } bad)
        {
            await bad.WriteAsync(context);
            return;
        }

        var caller = context.GetCaller().Caller;
        var (found, input) = await LookupImageAsync(context, caller, imageId, memberId, includeRows: false);
        if (MemberOperations.Update(input with { Body = body.RootElement }) is { } refusal)
        {
            await RefuseAsync(context, "PUT", imageId, memberId, refusal);
            return;
        }

        var image = found!;
        var statusElement = body.RootElement.GetProperty("status");
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

    // _lookup_image as the shared decisions read it: the image (visible or not: the decision's
    // EdgeInput.VisibleImage decides), whether the caller is a member, the requested member's row.
    private async Task<(MemberImage? Image, EdgeInput Input)> LookupImageAsync(HttpContext context, Caller caller, string imageId, string? memberId, bool includeRows)
    {
        var image = await members.FindImageAsync(imageId, caller.ProjectId, memberId, includeRows, context.RequestAborted);
        return (image, new EdgeInput(caller, imageId, memberId) { Image = image?.Facts, Membership = image?.Membership ?? default });
    }

    // _lookup_member: get_member (after get_image), then the member row among those the caller may read.
    private static (MemberRecord? Member, Refusal? Refusal) LookupMember(MemberPolicy policy, MemberImage image, string memberId)
    {
        var refusal = policy.GetMember();
        if (refusal is not null)
        {
            return (null, refusal);
        }

        return image.Member is { } member && policy.MayReadRow(memberId)
            ? (member, null)
            : (null, new Refusal(404, MemberDeletePolicy.MemberNotFound(memberId, image.Id)));
    }

    private Task RefuseAsync(HttpContext context, string method, string imageId, string? memberId, Refusal refusal)
    {
        Log.Refused(logger, context.TraceIdentifier, method, imageId, memberId ?? "(none)", refusal.StatusCode, refusal.Explanation);
        return refusal.WriteAsync(context);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 13001, Level = LogLevel.Information, Message = "Member {Method} {RequestId} image {ImageId} member {MemberId}: rule {Rule}, status {Status}")]
        public static partial void Decided(ILogger logger, string requestId, string method, string imageId, string memberId, int rule, int status);

        [LoggerMessage(EventId = 13002, Level = LogLevel.Information, Message = "Member added {RequestId} image {ImageId} member {MemberId}")]
        public static partial void MemberAdded(ILogger logger, string requestId, string imageId, string memberId);

        [LoggerMessage(EventId = 13003, Level = LogLevel.Information, Message = "Member {Method} refused {RequestId} image {ImageId} member {MemberId}: {Status} {Explanation}")]
        public static partial void Refused(ILogger logger, string requestId, string method, string imageId, string memberId, int status, string explanation);
    }
}
