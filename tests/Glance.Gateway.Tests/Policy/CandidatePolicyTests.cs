using System.Net;
using Glance.Gateway.Tests.Support;
using Glance.Gateway.Tests.Telemetry;
using Glance.Policy.Rules;

namespace Glance.Gateway.Tests.Policy;

/// <summary>
/// The candidate policy (<c>Policy:Candidate</c>) through the real gateway: the same requests run
/// once with the candidate in shadow and once with it live. Every status that differs between the
/// two runs is counted once (<c>glance_gateway_policy_candidate_disagreements_total</c>) and
/// audited with the candidate's answer, nothing else is, and the candidate never changes an answer;
/// the shadowed run's audit replayed against the candidate gives the live run's answers.
/// </summary>
[Trait("Host", "Any")]
[Collection(Glance.Gateway.Tests.Telemetry.RunsAlone.Name)] // the meters of other gateways in this process would count too
public sealed class CandidatePolicyTests : IDisposable
{
    private const string Counter = "glance_gateway_policy_candidate_disagreements_total";

    // The operator's preview: the switch to secure RBAC, with one rule of their own.
    private const string CandidateRules = "get_members: \"role:admin\"\n";

    private static readonly string[] Tokens = ["dev-owner", "dev-member", "dev-stranger", "dev-admin", "dev-system-admin"];

    private readonly string _folder = Directory.CreateTempSubdirectory("glance-candidate-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task SameRequests_CandidateInShadowThenLive_EveryDifferenceCountedOnceAndAudited_NothingElse()
    {
        var candidate = Path.Combine(_folder, "candidate.yaml");
        await File.WriteAllTextAsync(candidate, CandidateRules);

        await using var shadowed = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Policy:Candidate:File"] = candidate,
            ["Policy:Candidate:EnforceNewDefaults"] = "true",
            ["Policy:Candidate:EnforceScope"] = "true",
        });
        var (shadowStatuses, setupDisagreements, events) = await RunAsync(shadowed);

        await using var live = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Policy:File"] = candidate,
            ["Policy:EnforceNewDefaults"] = "true",
            ["Policy:EnforceScope"] = "true",
        });
        var (liveStatuses, _, _) = await RunAsync(live);

        var differing = Enumerable.Range(0, shadowStatuses.Count).Where(i => shadowStatuses[i] != liveStatuses[i]).ToList();
        Assert.NotEmpty(differing); // the secure defaults refuse the system-scoped admin, and get_members changed
        var withCandidate = events.Select((e, i) => (Event: e, Index: i)).Where(x => x.Event.Get("CandidateDecision") is not null).ToList();
        Assert.Equal(differing, withCandidate.Select(x => x.Index).ToList());
        Assert.Equal(setupDisagreements + differing.Count, await CountAsync(shadowed, setupDisagreements + differing.Count));

        // The shadowed gateway's audit replayed against the candidate gives the live run's answers.
        var replay = Glance.Gateway.Auditing.AuditReplay.Run(
            events.Select(e => e.Line), PolicyRules.Build(PolicyMode.Secure, PolicyFile.Parse(CandidateRules), candidate));
        var byRequest = events.Select((e, i) => (Id: e.Get("RequestId"), Index: i)).ToDictionary(x => x.Id!, x => x.Index);
        Assert.Empty(replay.Unreproducible);
        Assert.Equal(differing, replay.Changed.Select(c => byRequest[c.RequestId]).Order().ToList());
        Assert.All(replay.Changed, c => Assert.Equal(liveStatuses[byRequest[c.RequestId]] < 400 ? 0 : liveStatuses[byRequest[c.RequestId]], c.ReplayedStatus));

        Assert.All(withCandidate, x =>
        {
            var liveStatus = liveStatuses[x.Index];
            if (liveStatus < 400)
            {
                Assert.Equal("allow", x.Event.Get("CandidateDecision"));
            }
            else
            {
                Assert.Equal(("deny", liveStatus), (x.Event.Get("CandidateDecision"), x.Event.Number("CandidateStatus") ?? 0));
            }

            Assert.Matches("^[0-9a-f]{12}$", x.Event.Get("PolicyRevision"));
            Assert.NotEqual(x.Event.Get("PolicyRevision"), x.Event.Get("CandidateRevision"));
            Assert.False(string.IsNullOrEmpty(x.Event.Get("CandidateRule")));
        });
    }

    [Fact]
    public async Task NoCandidate_EventsCarryTheRevisionAndNoCandidateFields()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var image = await GlanceApi.CreateImageAsync(gateway.Client, "dev-owner", "private");

        using var response = await GlanceApi.GetAsync(gateway.Client, "/v2/images/" + image, "dev-stranger");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var decision = (await AuditEvent.EventuallyAsync(() => gateway.AuditEvents("get_image"))).Single();
        Assert.Matches("^[0-9a-f]{12}$", decision.Get("PolicyRevision"));
        Assert.Null(decision.Get("CandidateDecision"));
        Assert.Null(decision.Get("CandidateRevision"));
    }

    // The requests: every token on the reads of one shared image (member project-b, accepted),
    // made alike on each gateway. Returns their statuses in order, how many of the setup's
    // decisions the candidate disagreed with, and the audit events of the requests in order.
    private static async Task<(List<int> Statuses, int SetupDisagreements, List<AuditEvent> Events)> RunAsync(GatewayHost gateway)
    {
        var client = gateway.Client;
        var image = await GlanceApi.CreateImageAsync(client, "dev-owner", "shared");
        await GlanceApi.AddMemberAsync(client, "dev-owner", image, "project-b");
        var setup = await AuditEvent.EventuallyAsync(() => gateway.AuditEvents(), 2);
        var setupEvents = setup.Count;

        var statuses = new List<int>();
        foreach (var token in Tokens)
        {
            foreach (var path in new[] { $"/v2/images/{image}", $"/v2/images/{image}/members", $"/v2/images/{image}/members/project-b", "/v2/images" })
            {
                using var response = await GlanceApi.GetAsync(client, path, token);
                statuses.Add((int)response.StatusCode);
            }
        }

        var events = (await AuditEvent.EventuallyAsync(() => gateway.AuditEvents(), setupEvents + statuses.Count)).Skip(setupEvents).ToList();
        Assert.Equal(statuses.Count, events.Count);
        Assert.Equal(statuses, events.Select(e => e.Number("Status") ?? 0).ToList());
        return (statuses, setup.Count(e => e.Get("CandidateDecision") is not null), events);
    }

    // The counter's value, scraped until it reaches at least expected (the exporter caches a
    // scrape for a moment), bounded at 10 s: an over-count shows as more, an under-count as less.
    private static async Task<double> CountAsync(GatewayHost gateway, int expected)
    {
        var value = 0.0;
        for (var i = 0; i < 100 && value < expected; i++)
        {
            using var response = await gateway.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            value = PrometheusSample.Sum(PrometheusSample.Parse(await response.Content.ReadAsStringAsync()), Counter);
            if (value < expected)
            {
                await Task.Delay(100);
            }
        }

        return value;
    }
}
