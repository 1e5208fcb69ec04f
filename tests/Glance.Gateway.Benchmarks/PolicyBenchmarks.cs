using BenchmarkDotNet.Attributes;
using Glance.Policy.Errors;
using Glance.Policy.Members;

namespace Glance.Gateway.Benchmarks;

/// <summary>The pure parts of the hot path: the decision function and the Glance error body.</summary>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    private const string ImageId = "5e8ad6dc-83fc-4f45-8db3-06690a73a2c7";
    private readonly ImageFacts _image = new(ImageId, ImageVisibility.Shared, "owner", new HashSet<string> { "member" });
    private readonly Caller _owner = new("owner", false);
    private readonly Caller _member = new("member", false);

    [Benchmark]
    public MemberDeleteDecision DecideAllow() => MemberDeletePolicy.Decide(_image, _owner, ImageId, "member");

    [Benchmark]
    public MemberDeleteDecision DecideDeny403() => MemberDeletePolicy.Decide(_image, _member, ImageId, "member");

    [Benchmark]
    public GlanceErrorBody.Rendered RenderHtml403() =>
        GlanceErrorBody.Render(403, MemberDeletePolicy.NotAllowed(ImageId), AcceptNegotiation.Choose("*/*"));
}
