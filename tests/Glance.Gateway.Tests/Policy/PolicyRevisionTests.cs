using System.Net;
using System.Text.Json;
using Glance.Gateway.Tests.Support;
using Glance.Gateway.Tests.Telemetry;

namespace Glance.Gateway.Tests.Policy;

/// <summary>
/// The policy revision through the real gateway: the same rules and modes give the same
/// revision, a rule or a mode that differs gives another; the revision is on every decision, in
/// <c>/readyz</c> with the load time, the problem count and the last refused edit, and in
/// <c>glance_gateway_policy_info</c>; reloads are counted by outcome. And what a decision read is
/// recorded for replay, never a token.
/// </summary>
[Trait("Host", "Any")]
[Collection(Glance.Gateway.Tests.Telemetry.RunsAlone.Name)] // the meters of other gateways in this process would count too
public sealed class PolicyRevisionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("glance-revision-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Replicas_SameRulesSameRevision_ARuleOrAModeThatDiffersAnother()
    {
        await using var defaults = await GatewayHost.StartAsync();
        await using var sameAgain = await GatewayHost.StartAsync();
        await using var oneRule = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Policy:File"] = await FileAsync("one.yaml", "get_image: \"role:admin\"\n") });
        await using var oneMode = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["EdgePolicy:Operations:get_image"] = "Shadow" });
        await using var secure = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Policy:EnforceNewDefaults"] = "true" });

        var revisions = new[] { defaults, sameAgain, oneRule, oneMode, secure }.Select(g => ReadyPolicyAsync(g)).ToArray();
        var all = (await Task.WhenAll(revisions)).Select(p => p.GetProperty("revision").GetString()!).ToList();

        Assert.All(all, r => Assert.Matches("^[0-9a-f]{12}$", r));
        Assert.Equal(all[0], all[1]);
        Assert.Equal(4, all.Distinct().Count());
    }

    [Fact]
    public async Task Revision_IsOnEveryDecision_InReadyz_AndInPolicyInfo()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var image = await GlanceApi.CreateImageAsync(gateway.Client, "dev-owner", "private");
        (await GlanceApi.GetAsync(gateway.Client, "/v2/images/" + image, "dev-stranger")).Dispose();

        var policy = await ReadyPolicyAsync(gateway);
        var revision = policy.GetProperty("revision").GetString();
        var events = await AuditEvent.EventuallyAsync(() => gateway.AuditEvents("add_image", "get_image"), 2);
        Assert.All(events, e => Assert.Equal(revision, e.Get("PolicyRevision")));
        Assert.Equal("legacy", policy.GetProperty("mode").GetString());
        Assert.Equal(0, policy.GetProperty("problems").GetInt32());
        Assert.Equal(JsonValueKind.Null, policy.GetProperty("lastRefusedEdit").ValueKind);
        Assert.Equal(JsonValueKind.Null, policy.GetProperty("candidate").ValueKind);
        Assert.True(DateTimeOffset.TryParse(policy.GetProperty("loaded").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));

        using var metrics = await gateway.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var info = PrometheusSample.Parse(await metrics.Content.ReadAsStringAsync()).Single(s => s.Name == "glance_gateway_policy_info");
        Assert.Equal((revision, "legacy", 1.0), (info.Labels["revision"], info.Labels["policy_mode"], info.Value));
    }

    [Fact]
    public async Task Reloads_AppliedChangesTheRevision_RefusedKeepsItAndIsInReadyzWithItsReason()
    {
        var path = await FileAsync("policy.yaml", "get_image: \"\"\n");
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Policy:File"] = path });
        var first = (await ReadyPolicyAsync(gateway)).GetProperty("revision").GetString();

        await File.WriteAllTextAsync(path, "get_image: \"role:admin\"\n");
        var applied = await EventuallyAsync(gateway, p => p.GetProperty("revision").GetString() != first);
        var second = applied.GetProperty("revision").GetString();

        await File.WriteAllTextAsync(path, "get_image: [\"role:admin\"\n");
        var refused = await EventuallyAsync(gateway, p => p.GetProperty("lastRefusedEdit").ValueKind == JsonValueKind.Object);

        Assert.Equal(second, refused.GetProperty("revision").GetString());
        Assert.False(string.IsNullOrWhiteSpace(refused.GetProperty("lastRefusedEdit").GetProperty("reason").GetString()));
        using var metrics = await gateway.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var samples = PrometheusSample.Parse(await metrics.Content.ReadAsStringAsync());
        Assert.True(PrometheusSample.Sum(samples, "glance_gateway_policy_reloads_total", ("outcome", "applied")) >= 1);
        Assert.True(PrometheusSample.Sum(samples, "glance_gateway_policy_reloads_total", ("outcome", "refused")) >= 1);
    }

    [Fact]
    public async Task Decision_RecordsCredentialsRequestAndTarget_ForReplay_NeverTheToken()
    {
        var path = await FileAsync("policy.yaml", "get_image: \"role:admin or 'gold':%(tier)s\"\n");
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Policy:File"] = path });
        var image = await GlanceApi.CreateImageAsync(gateway.Client, "dev-owner", "community", "\"tier\": \"gold\", \"colour\": \"blue\"");

        using var response = await GlanceApi.GetAsync(gateway.Client, "/v2/images/" + image, "dev-stranger");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var decision = (await AuditEvent.EventuallyAsync(() => gateway.AuditEvents("get_image"))).Single();
        using var record = JsonDocument.Parse(decision.Get("Record")!);
        var credentials = record.RootElement.GetProperty("Credentials");
        Assert.Equal(("stranger-user", "project-c"), (credentials.GetProperty("user_id").GetString(), credentials.GetProperty("project_id").GetString()));
        Assert.Equal("member,reader", string.Join(",", credentials.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Order()));
        Assert.True(credentials.GetProperty("is_admin_project").GetBoolean());
        var target = record.RootElement.GetProperty("Target");
        Assert.Equal((image, "project-a", "community"), (target.GetProperty("id").GetString(), target.GetProperty("owner").GetString(), target.GetProperty("visibility").GetString()));
        Assert.Equal("gold", target.GetProperty("properties").GetProperty("tier").GetString());
        Assert.False(target.GetProperty("properties").TryGetProperty("colour", out _));
        Assert.Equal("colour", string.Join(",", record.RootElement.GetProperty("TargetOmitted").EnumerateArray().Select(e => e.GetString())));
        Assert.Equal(image, record.RootElement.GetProperty("Request").GetProperty("image_id").GetString());
        Assert.DoesNotContain("dev-stranger", decision.Line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusal_TheFailedClauseIsAudited_NeverAnswered()
    {
        var path = await FileAsync("policy.yaml", "get_image: \"role:admin or (role:gold and project_id:%(project_id)s)\"\n");
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Policy:File"] = path });
        var image = await GlanceApi.CreateImageAsync(gateway.Client, "dev-owner", "community");

        using var response = await GlanceApi.GetAsync(gateway.Client, "/v2/images/" + image, "dev-stranger");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var decision = (await AuditEvent.EventuallyAsync(() => gateway.AuditEvents("get_image"))).Single();
        Assert.Equal(("deny", "get_image"), (decision.Get("Decision"), decision.Get("PolicyRule")));
        Assert.Equal("role:admin; role:gold", decision.Get("FailedClause"));
        Assert.DoesNotContain("role:", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> FileAsync(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    private static async Task<JsonElement> ReadyPolicyAsync(GatewayHost gateway)
    {
        using var response = await gateway.Client.GetAsync(new Uri("/readyz", UriKind.Relative));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("policy").Clone();
    }

    // File watching is asynchronous: read /readyz until the condition holds, bounded at 15 s.
    private static async Task<JsonElement> EventuallyAsync(GatewayHost gateway, Func<JsonElement, bool> done)
    {
        var policy = await ReadyPolicyAsync(gateway);
        for (var i = 0; i < 150 && !done(policy); i++)
        {
            await Task.Delay(100);
            policy = await ReadyPolicyAsync(gateway);
        }

        Assert.True(done(policy), "the policy file edit was not seen within 15 s: " + policy);
        return policy;
    }
}
