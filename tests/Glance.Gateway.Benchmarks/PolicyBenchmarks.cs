using BenchmarkDotNet.Attributes;
using Glance.Policy.Errors;
using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Rules;

namespace Glance.Gateway.Benchmarks;

/// <summary>
/// The pure parts of the member-DELETE hot path, in the legacy and the secure mode, for the image's
/// owner and for a stranger: one compiled rule (<c>delete_member</c>, <c>get_image</c>,
/// <c>get_member</c>) evaluated over a prepared target, the whole decision (which member row to
/// read, its facts, <see cref="MemberDeletePolicy.Decide"/>), and the Glance error body.
/// </summary>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    private const string ImageId = "5e8ad6dc-83fc-4f45-8db3-06690a73a2c7";
    private const string OwnerProject = "0wner000000000000000000000000001";
    private const string MemberProject = "member00000000000000000000000002";
    private readonly ImageFacts _image = new(ImageId, ImageVisibility.Shared, OwnerProject);
    private PolicyRules _rules = PolicyRules.Defaults(PolicyMode.Legacy);
    private PolicyCredentials _caller = new("u-owner", OwnerProject, ["member", "reader"]);
    private ImageTarget _target = null!;
    private bool _probeIsMember;

    /// <summary>legacy (Glance 25 as packaged) or secure (enforce_new_defaults and enforce_scope).</summary>
    [Params("legacy", "secure")]
    public string Mode { get; set; } = "legacy";

    /// <summary>owner (allowed) or stranger (a project neither owner nor member).</summary>
    [Params("owner", "stranger")]
    public string Caller { get; set; } = "owner";

    [GlobalSetup]
    public void Setup()
    {
        _rules = PolicyRules.Defaults(Mode == "legacy" ? PolicyMode.Legacy : PolicyMode.Secure);
        _caller = Caller == "owner"
            ? new PolicyCredentials("u-owner", OwnerProject, ["member", "reader"])
            : new PolicyCredentials("u-stranger", "strang00000000000000000000000005", ["member", "reader"]);
        _target = new ImageTarget(_image, _caller.ProjectId);

        // The member row's answer as the store would give it: the owner asks for the member (there),
        // the stranger for its own project (not there).
        _probeIsMember = Caller == "owner";
    }

    [Benchmark]
    public bool DeleteMember() => _rules.IsAllowed(PolicyRuleNames.DeleteMember, _caller, _target);

    [Benchmark]
    public bool GetImage() => _rules.IsAllowed(PolicyRuleNames.GetImage, _caller, _target);

    [Benchmark]
    public bool GetMember() => _rules.IsAllowed(PolicyRuleNames.GetMember, _caller, _target);

    // End to end, as the gateway runs it once the image is read: the member row to read, its facts
    // from the answer, then the decision (owner: 204 through get_image, get_member, delete_member;
    // stranger: 404, the image is not visible).
    [Benchmark]
    public MemberDeleteDecision Decide()
    {
        var probe = MemberDeletePolicy.MembershipToRead(_rules.IsAdmin(_caller), _caller.ProjectId, _image.Visibility, _image.Owner, MemberProject);
        var facts = MemberDeletePolicy.Membership(probe, _probeIsMember, _caller.ProjectId, MemberProject);
        return MemberDeletePolicy.Decide(_image, facts, _caller, ImageId, MemberProject, _rules);
    }

    [Benchmark]
    public GlanceErrorBody.Rendered RenderHtml403() =>
        GlanceErrorBody.Render(403, MemberDeletePolicy.NotAllowed(ImageId), AcceptNegotiation.Choose("*/*"));
}
