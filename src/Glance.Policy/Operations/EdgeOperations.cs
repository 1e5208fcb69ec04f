using System.Collections.Frozen;
using Glance.Policy.Members;
using Glance.Policy.Routing;
using Glance.Policy.Rules;

namespace Glance.Policy.Operations;

/// <summary>
/// Every operation the edge decides, one registration line each: its name, the router's
/// controller and action, the rule of an allow, the facts it reads, and its decision function
/// (the same function the store decides with). Adding an operation is its function, its line
/// here and its tests.
/// </summary>
public static class EdgeOperations
{
    private static readonly EdgeOperation[] Registered =
    [
        Op("get_images", "images", "index", PolicyRuleNames.GetImages, EdgeFactsNeeded.None, ImageOperations.List),
        Op("get_image", "images", "show", PolicyRuleNames.GetImage, EdgeFactsNeeded.Image, ImageOperations.Show),
        Op("delete_image", "images", "delete", PolicyRuleNames.DeleteImage, EdgeFactsNeeded.Image, ImageOperations.Delete),
        Op("modify_image", "images", "update", PolicyRuleNames.ModifyImage, EdgeFactsNeeded.Image, ImagePatchOperation.Decide, readsJsonBody: true),
        Op("deactivate", "image_actions", "deactivate", PolicyRuleNames.Deactivate, EdgeFactsNeeded.Image, ImageOperations.Deactivate),
        Op("reactivate", "image_actions", "reactivate", PolicyRuleNames.Reactivate, EdgeFactsNeeded.Image, ImageOperations.Reactivate),
        Op("download_image", "image_data", "download", PolicyRuleNames.DownloadImage, EdgeFactsNeeded.Image, ImageOperations.Download),
        Op("upload_image", "image_data", "upload", PolicyRuleNames.UploadImage, EdgeFactsNeeded.Image, ImageOperations.Upload),
        Op("add_image_tag", "image_tags", "update", PolicyRuleNames.ModifyImage, EdgeFactsNeeded.Image, input => ImageOperations.ChangeTag(input, add: true)),
        Op("delete_image_tag", "image_tags", "delete", PolicyRuleNames.ModifyImage, EdgeFactsNeeded.Image, input => ImageOperations.ChangeTag(input, add: false)),
        Op("get_members", "image_members", "index", PolicyRuleNames.GetMembers, EdgeFactsNeeded.Image, MemberOperations.List),
        Op("get_member", "image_members", "show", PolicyRuleNames.GetMember, EdgeFactsNeeded.Image, MemberOperations.Show),
        Op("add_member", "image_members", "create", PolicyRuleNames.AddMember, EdgeFactsNeeded.Image, MemberOperations.Add, readsJsonBody: true),
        Op("modify_member", "image_members", "update", PolicyRuleNames.ModifyMember, EdgeFactsNeeded.ImageAndMember, MemberOperations.Update, readsJsonBody: true),
        new("delete_member", "image_members", "delete", PolicyRuleNames.DeleteMember, EdgeFactsNeeded.ImageAndMember, readsJsonBody: false, DeleteMember, EdgeMode.Enforce, null),
    ];

    private static readonly FrozenDictionary<(string Controller, string Action), EdgeOperation> ByRoute =
        Registered.ToFrozenDictionary(op => (op.Controller, op.Action));

    /// <summary>Every registered operation, in registration order.</summary>
    public static IReadOnlyList<EdgeOperation> All => Registered;

    /// <summary>The operation the router's <paramref name="routed"/> method is, or null when the edge does not decide it.</summary>
    public static EdgeOperation? Find(GlanceRouteMethod? routed) =>
        routed is not null && ByRoute.TryGetValue((routed.Controller, routed.Action), out var op) ? op : null;

    /// <summary>The operation named <paramref name="name"/>, or null.</summary>
    public static EdgeOperation? Named(string name) => Array.Find(Registered, op => op.Name == name);

    private static EdgeOperation Op(
        string name, string controller, string action, string rule, EdgeFactsNeeded facts, Func<EdgeInput, Refusal?> decide,
        bool readsJsonBody = false, EdgeMode mode = EdgeMode.Enforce, string? modeReason = null) =>
        new(name, controller, action, rule, facts, readsJsonBody, input => decide(input) is { } refusal
            ? EdgeDecision.Refused(name, refusal, "CodedCheck")
            : EdgeDecision.Allowed(name, rule), mode, modeReason);

    // CONFORMANCE.md section 1: the rows are the reasons.
    private static EdgeDecision DeleteMember(EdgeInput input)
    {
        var decision = MemberDeletePolicy.Decide(
            input.Image, input.Membership, input.Caller.Credentials, input.ImageId, input.MemberId!, input.Caller.Rules);
        return new("delete_member", decision.Rule.ToString(), (int)decision.Rule, decision.PolicyRule, decision.StatusCode, decision.Explanation);
    }
}
