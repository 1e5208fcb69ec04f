using System.Text.Json;
using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Operations;
using Glance.Policy.Rules;

namespace Glance.Gateway.Tests.Commands;

/// <summary>
/// <c>policy explain</c>: the registered operation's own decision over the files given, the status
/// and body Glance answers, the rule, and what decided it, for the live and the candidate policy.
/// </summary>
public sealed class PolicyExplainCommandTests : IDisposable
{
    private const string ImageId = "6f1c3c34-1f45-4a4b-9d55-0d3c9ea4c8a1";
    private readonly CommandRun _run = new();
    private readonly string _image;
    private readonly string _owner;
    private readonly string _member;
    private readonly string _empty;

    public PolicyExplainCommandTests()
    {
        _image = _run.Write("image.json", $$"""{"id": "{{ImageId}}", "visibility": "shared", "owner": "project-a", "status": "active", "members": ["project-b"]}""");
        _owner = _run.Write("owner.json", """{"user_id": "u-a", "project_id": "project-a", "roles": ["member", "reader"]}""");
        _member = _run.Write("member.json", """{"user_id": "u-b", "project_id": "project-b", "roles": ["member", "reader"]}""");
        _empty = _run.Write("empty.yaml", "{}\n");
    }

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Explain_SecureDeleteImageByAMemberProject_Is403WithTheFailingCheckOfEachBranch()
    {
        var (exit, output, error) = await CommandRun.RunAsync(
            "policy", "explain", "--operation", "delete_image", "--caller", _member, "--image", _image,
            "--policy", _empty, "--enforce-new-defaults", "--enforce-scope", "--json");

        Assert.True(exit == 0, error);
        using var document = JsonDocument.Parse(output);
        var live = Assert.Single(document.RootElement.GetProperty("decisions").EnumerateArray());
        Assert.Equal(403, live.GetProperty("status").GetInt32());
        Assert.Equal("delete_image", live.GetProperty("rule").GetString());
        Assert.Equal(["role:admin", "project_id:%(project_id)s"], live.GetProperty("clauses").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("You are not authorized to complete delete_image action.", live.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_OwnerDeletesItsImage_IsAllowedByTheBranchThatHeld()
    {
        var (exit, output, _) = await CommandRun.RunAsync(
            "policy", "explain", "--operation", "delete_image", "--caller", _owner, "--image", _image, "--policy", _empty, "--enforce-new-defaults");

        Assert.Equal(0, exit);
        Assert.Contains("status:     allowed", output, StringComparison.Ordinal);
        Assert.Contains("decided by: held: (role:member and project_id:%(project_id)s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_LegacyMemberDeletingTheImage_ShowsTheRuleAllowedAndTheCodedCheckRefusing()
    {
        var (exit, output, _) = await CommandRun.RunAsync(
            "policy", "explain", "--operation", "delete_image", "--caller", _member, "--image", _image, "--policy", _empty, "--json");

        Assert.Equal(0, exit);
        using var document = JsonDocument.Parse(output);
        var live = document.RootElement.GetProperty("decisions")[0];
        Assert.Equal(403, live.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.Null, live.GetProperty("rule").ValueKind);
        Assert.Contains(live.GetProperty("asked").EnumerateArray(), a => a.GetProperty("rule").GetString() == "delete_image" && a.GetProperty("allowed").GetBoolean());
        Assert.StartsWith("Glance's coded check", live.GetProperty("decidedBy").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_ImageThatDoesNotExist_IsGlances404()
    {
        var none = _run.Write("none.json", "null");

        var (exit, output, _) = await CommandRun.RunAsync(
            "policy", "explain", "--operation", "get_image", "--caller", _owner, "--image", none, "--image-id", ImageId, "--policy", _empty, "--json");

        Assert.Equal(0, exit);
        using var document = JsonDocument.Parse(output);
        var live = document.RootElement.GetProperty("decisions")[0];
        Assert.Equal(404, live.GetProperty("status").GetInt32());
        Assert.Contains(ImageId, live.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_CandidateThatRefusesWhatLiveAllows_PrintsBothAndExitsOne()
    {
        var candidate = _run.Write("candidate.yaml", "delete_member: \"role:admin\"\n");

        var (exit, output, _) = await CommandRun.RunAsync(
            "policy", "explain", "--operation", "delete_member", "--member", "project-b", "--caller", _owner, "--image", _image,
            "--policy", _empty, "--enforce-new-defaults", "--candidate", candidate, "--candidate-enforce-new-defaults");

        Assert.Equal(1, exit);
        Assert.Contains("live (new-defaults", output, StringComparison.Ordinal);
        Assert.Contains("candidate (new-defaults", output, StringComparison.Ordinal);
        Assert.Contains("decided by: failed: role:admin", output, StringComparison.Ordinal);
        Assert.Contains("the candidate answers differently", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_ConfiguredCandidate_IsReadFromTheSettings()
    {
        var candidate = _run.Write("candidate.yaml", "get_image: \"!\"\n");
        var settings = new Dictionary<string, string?> { ["Policy:Candidate:File"] = candidate, ["Policy:Candidate:EnforceNewDefaults"] = "true" };

        var (exit, output, _) = await CommandRun.RunAsync(
            settings, "policy", "explain", "--operation", "get_image", "--caller", _member, "--image", _image, "--config", _run.Config, "--json");

        Assert.Equal(1, exit);
        using var document = JsonDocument.Parse(output);
        var decisions = document.RootElement.GetProperty("decisions");
        Assert.Equal("legacy", decisions[0].GetProperty("mode").GetString());
        Assert.True(decisions[0].GetProperty("allowed").GetBoolean());
        Assert.Equal("new-defaults", decisions[1].GetProperty("mode").GetString());
        Assert.Equal(404, decisions[1].GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Explain_PatchMakingTheImagePublic_IsRefusedByPublicizeImage()
    {
        var patch = _run.Write("patch.json", """[{"op": "replace", "path": "/visibility", "value": "public"}]""");

        var (exit, output, _) = await CommandRun.RunAsync(
            "policy", "explain", "--operation", "modify_image", "--caller", _owner, "--image", _image, "--request", patch,
            "--policy", _empty, "--enforce-new-defaults", "--json");

        Assert.Equal(0, exit);
        using var document = JsonDocument.Parse(output);
        var live = document.RootElement.GetProperty("decisions")[0];
        Assert.Equal(403, live.GetProperty("status").GetInt32());
        Assert.Equal("publicize_image", live.GetProperty("rule").GetString());
        Assert.Equal(["role:admin"], live.GetProperty("clauses").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Explain_StatusOfEveryGridCell_IsWhatTheOperationsOwnFunctionDecides()
    {
        // The command reads files and picks the membership row; the decision function, given the
        // same facts directly, must answer the same for each operation, caller and mode.
        string[] operations = ["get_image", "delete_image", "get_members", "add_member", "download_image", "deactivate"];
        var request = _run.Write("member-body.json", """{"member": "project-c"}""");
        var rulesByMode = new Dictionary<bool, PolicyRules> { [false] = PolicyRules.Defaults(PolicyMode.Legacy), [true] = PolicyRules.Defaults(new PolicyMode(true, false)) };
        var callers = new Dictionary<string, PolicyCredentials>
        {
            [_owner] = new("u-a", "project-a", ["member", "reader"]),
            [_member] = new("u-b", "project-b", ["member", "reader"]),
        };
        var image = new ImageFacts(ImageId, ImageVisibility.Shared, "project-a") { Status = "active", Properties = new Dictionary<string, string>() };
        var differing = 0;
        foreach (var operation in operations)
        {
            foreach (var (path, credentials) in callers)
            {
                foreach (var (secure, rules) in rulesByMode)
                {
                    string[] mode = secure ? ["--enforce-new-defaults"] : [];
                    var (exit, output, error) = await CommandRun.RunAsync(
                        ["policy", "explain", "--operation", operation, "--caller", path, "--image", _image, "--request", request, "--policy", _empty, .. mode, "--json"]);
                    Assert.True(exit == 0, error);
                    using var document = JsonDocument.Parse(output);
                    var status = document.RootElement.GetProperty("decisions")[0].GetProperty("status");

                    var caller = new Caller(credentials, rules);
                    var op = EdgeOperations.Named(operation)!;
                    using var body = JsonDocument.Parse("""{"member": "project-c"}""");
                    var expected = op.Decide(new EdgeInput(caller, ImageId, null)
                    {
                        Image = image,
                        Membership = new MembershipFacts(CallerIsMember: credentials.ProjectId == "project-b", MemberExists: false),
                        ContentType = "application/json",
                        Body = body.RootElement,
                    });
                    int? expectedStatus = expected.IsAllowed ? null : expected.StatusCode;
                    int? actualStatus = status.ValueKind == JsonValueKind.Null ? null : status.GetInt32();
                    Assert.True(expectedStatus == actualStatus, $"{operation} {credentials.ProjectId} secure={secure}: function {expectedStatus}, command {actualStatus}");
                    differing += expected.IsAllowed ? 0 : 1;
                }
            }
        }

        Assert.InRange(differing, 1, operations.Length * 4 - 1);
    }

    [Fact]
    public async Task Explain_WithoutCaller_ExitsTwo()
    {
        var (exit, _, error) = await CommandRun.RunAsync("policy", "explain", "--operation", "get_image", "--image", _image, "--policy", _empty);

        Assert.Equal(2, exit);
        Assert.Contains("--caller is required", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_UnknownOperation_ExitsTwoListingTheKnownOnes()
    {
        var (exit, _, error) = await CommandRun.RunAsync("policy", "explain", "--operation", "nuke_image", "--caller", _owner, "--policy", _empty);

        Assert.Equal(2, exit);
        Assert.Contains("delete_member", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_CallerFileNotJson_ExitsTwo()
    {
        var broken = _run.Write("broken.json", "{ user_id: ");

        var (exit, _, error) = await CommandRun.RunAsync("policy", "explain", "--operation", "get_image", "--caller", broken, "--image", _image, "--policy", _empty);

        Assert.Equal(2, exit);
        Assert.Contains("is not JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_Help_ExitsZeroWithUsage()
    {
        var (exit, output, _) = await CommandRun.RunAsync("policy", "explain", "--help");

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: glance-gateway policy explain", output, StringComparison.Ordinal);
    }
}
