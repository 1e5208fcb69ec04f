using Glance.Gateway.Auditing;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Operations;
using Glance.Policy.Rules;

namespace Glance.Gateway.Tests.Auditing;

/// <summary>
/// Replaying a real gateway's audit: against the rules that decided, nothing changes; against a
/// candidate, exactly the decisions the gateway's own shadow evaluation of that candidate marked
/// change; a decision whose record lacks what the candidate reads is marked, not guessed.
/// </summary>
[Trait("Host", "Any")]
public sealed class AuditReplayTests : IDisposable
{
    private const string CandidateText = "get_members: \"role:admin\"\nget_image: \"role:admin or 'gold':%(tier)s\"\n";

    private static readonly string[] Tokens = ["dev-owner", "dev-member", "dev-stranger", "dev-admin", "dev-system-admin", "no-such-token"];

    private readonly string _folder = Directory.CreateTempSubdirectory("glance-replay-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Replay_AgainstTheLiveRules_NothingChanges_AgainstTheCandidate_WhatTheShadowMarked()
    {
        var candidatePath = Path.Combine(_folder, "candidate.yaml");
        await File.WriteAllTextAsync(candidatePath, CandidateText);
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Policy:Candidate:File"] = candidatePath,
            ["Policy:Candidate:EnforceNewDefaults"] = "true",
            ["Policy:Candidate:EnforceScope"] = "true",
        });
        var image = await GlanceApi.CreateImageAsync(gateway.Client, "dev-owner", "shared", "\"tier\": \"gold\"");
        await GlanceApi.AddMemberAsync(gateway.Client, "dev-owner", image, "project-b");
        var count = 2;
        foreach (var token in Tokens)
        {
            foreach (var path in new[] { $"/v2/images/{image}", $"/v2/images/{image}/members", $"/v2/images/{image}/members/project-b", "/v2/images", $"/v2/images/{image}/file" })
            {
                (await GlanceApi.GetAsync(gateway.Client, path, token)).Dispose();
                count++;
            }
        }

        var events = await AuditEvent.EventuallyAsync(() => gateway.AuditEvents(), count);
        var lines = events.Select(e => e.Line).ToList();

        var live = AuditReplay.Run(lines, PolicyRules.Defaults(PolicyMode.Legacy));
        var candidate = AuditReplay.Run(lines, PolicyRules.Build(PolicyMode.Secure, PolicyFile.Parse(CandidateText), candidatePath));

        Assert.Empty(live.Changed);
        Assert.Equal(count - 5, live.Decisions);
        Assert.Equal(5, live.Skipped); // no token: refused before the rules
        Assert.Equal(["add_image", "add_member"], live.Unreproducible.Select(g => g.Operation).Order(StringComparer.Ordinal)); // they read a body
        var marked = events.Where(e => e.Get("CandidateDecision") is not null && e.Get("Operation") is not ("add_image" or "add_member"))
            .Select(e => e.Get("RequestId") ?? string.Empty).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(marked);
        Assert.Equal(marked, candidate.Changed.Select(c => c.RequestId).Order(StringComparer.Ordinal).ToList());
        Assert.All(candidate.Unreproducible, gap => Assert.True(gap.Operation is "add_image" or "add_member", gap.Operation));
    }

    [Fact]
    public async Task Replay_RulesNamingAPropertyTheRecordLeftOut_IsMarkedUnreproducible()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var image = await GlanceApi.CreateImageAsync(gateway.Client, "dev-owner", "community", "\"tier\": \"gold\"");
        (await GlanceApi.GetAsync(gateway.Client, "/v2/images/" + image, "dev-stranger")).Dispose();
        var lines = (await AuditEvent.EventuallyAsync(() => gateway.AuditEvents("get_image"))).Select(e => e.Line);

        var report = AuditReplay.Run(lines, PolicyRules.Build(PolicyMode.Legacy, PolicyFile.Parse("get_image: \"'gold':%(tier)s\""), "candidate.yaml"));

        Assert.Empty(report.Changed);
        var gap = Assert.Single(report.Unreproducible);
        Assert.Equal("get_image", gap.Operation);
        Assert.Contains("tier", gap.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayCommand_ChangedDecisionsListedAndExit1_NoChangeExit0_MissingFileExit2()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var image = await GlanceApi.CreateImageAsync(gateway.Client, "dev-owner", "private");
        foreach (var token in new[] { "dev-owner", "dev-stranger", "dev-admin" })
        {
            (await GlanceApi.GetAsync(gateway.Client, "/v2/images/" + image, token)).Dispose();
        }

        var audit = Path.Combine(_folder, "audit.json");
        await File.WriteAllLinesAsync(audit, (await AuditEvent.EventuallyAsync(() => gateway.AuditEvents(), 4)).Select(e => e.Line));
        var adminsOnly = Path.Combine(_folder, "admins-only.yaml");
        await File.WriteAllTextAsync(adminsOnly, "get_image: \"role:admin\"\n");
        var unchanged = Path.Combine(_folder, "unchanged.yaml");
        await File.WriteAllTextAsync(unchanged, "# Glance's defaults\n");

        var (changedExit, changedText) = await RunAsync("policy", "replay", "--audit", audit, "--candidate", adminsOnly);
        var (sameExit, sameText) = await RunAsync("policy", "replay", "--audit", audit, "--candidate", unchanged);
        var (missingExit, _) = await RunAsync("policy", "replay", "--audit", audit, "--candidate", Path.Combine(_folder, "none.yaml"));

        Assert.Equal(1, changedExit);
        Assert.Contains("replayed 4 decisions", changedText, StringComparison.Ordinal);
        Assert.Contains("1 changed, 1 not reproducible", changedText, StringComparison.Ordinal); // the owner's read; add_image read a body
        Assert.Contains("get_image: allow by get_image -> 404 by get_image", changedText, StringComparison.Ordinal);
        Assert.Equal(0, sameExit);
        Assert.Contains("0 changed", sameText, StringComparison.Ordinal);
        Assert.Equal(2, missingExit);
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Glance.Gateway.Commands.GatewayCommands.RunAsync(args, output, error);
        return (exit, output + error.ToString());
    }

    [Fact]
    public void Replay_EveryRegisteredOperationReadingABody_IsMarkedNotGuessed()
    {
        var rules = PolicyRules.Defaults(PolicyMode.Legacy);
        foreach (var operation in EdgeOperations.All.Where(op => op.ReadsJsonBody))
        {
            using var document = System.Text.Json.JsonDocument.Parse("{\"Credentials\":{},\"Request\":{}}");
            var (input, gap) = DecisionRecord.Read(document.RootElement, operation, rules);
            Assert.Null(input);
            Assert.Contains("body", gap, StringComparison.Ordinal);
        }
    }
}
