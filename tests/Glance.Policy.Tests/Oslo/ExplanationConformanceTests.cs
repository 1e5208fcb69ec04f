using System.Text.Json.Nodes;
using Glance.Policy.Language;
using Glance.Policy.Rules;

namespace Glance.Policy.Tests.Oslo;

/// <summary>
/// <see cref="PolicyExplainer"/> against oslo.policy itself: for a grid of check strings × callers,
/// oslo.policy's <c>Enforcer.enforce</c> must give the explanation's answer; for an allow, the
/// clause that held, evaluated alone by oslo.policy, must pass; for a refusal, every failing clause
/// must fail alone. (A clause is evaluated without its <c>rule:x → </c> annotations.)
/// </summary>
public sealed class ExplanationConformanceTests
{
    private const string Script = """
        out = {'enforced': [], 'clauses': []}
        for case in data['cases']:
            enforcer = policy.Enforcer(cfg.ConfigOpts())
            rules = dict(data['helpers'])
            rules['get_image'] = case['check']
            enforcer.set_rules(policy.Rules.from_dict(rules), use_conf=False)
            enforcer.load_rules = lambda *a, **k: None
            creds = case['creds']
            out['enforced'].append(bool(enforcer.enforce('get_image', data['target'], creds)))
            out['clauses'].append([bool(_parser.parse_rule(c)(data['target'], creds, enforcer)) for c in case['clauses']])
        print(json.dumps(out))
        """;

    private static readonly Dictionary<string, string> Helpers = new()
    {
        ["default"] = "!",
        ["staff"] = "role:staff or user_id:u-boss",
        ["owner"] = "project_id:%(project_id)s",
    };

    private static readonly string[] Checks =
    [
        "role:admin or (role:member and project_id:%(project_id)s)",
        "role:admin or role:reader and (project_id:%(project_id)s or project_id:%(member_id)s or 'shared':%(visibility)s)",
        "not role:admin and rule:staff",
        "rule:staff or rule:owner and role:member",
        "(role:a or role:b) and (project_id:%(project_id)s or 'public':%(visibility)s)",
        "not (role:a or role:b)",
        "@", "!", "rule:missing_rule or role:a",
        "role:member and not project_id:%(project_id)s or role:admin",
    ];

    private static readonly PolicyCredentials[] Callers =
    [
        new("u-1", "p1", []), new("u-1", "p1", ["admin"]), new("u-2", "p1", ["member"]), new("u-3", "p2", ["member", "reader"]),
        new("u-4", "p2", ["reader"]), new("u-boss", "p3", ["a", "b"]), new("u-5", "p3", ["staff", "member"]),
    ];

    private static readonly Dictionary<string, string> Target = new()
    {
        ["project_id"] = "p1", ["member_id"] = "p2", ["visibility"] = "shared",
    };

    [Fact]
    public void Explain_GridOfCheckStringsAndCallers_AgreesWithOsloPolicyClauseByClause()
    {
        var cases = new List<(PolicyExplanation Explanation, PolicyCredentials Caller)>();
        var target = new DictionaryTarget(Target);
        foreach (var check in Checks)
        {
            var file = new Dictionary<string, string>(Helpers) { ["get_image"] = check };
            var rules = PolicyRules.Build(PolicyMode.Secure, PolicyFile.Parse(System.Text.Json.JsonSerializer.Serialize(file)), "grid");
            cases.AddRange(Callers.Select(caller => (PolicyExplainer.Explain(rules, PolicyRuleNames.GetImage, caller, target), caller)));
        }

        var oslo = OsloPython.Run(Script, new JsonObject
        {
            ["helpers"] = new JsonObject([.. Helpers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)JsonValue.Create(h.Value)))]),
            ["target"] = new JsonObject([.. Target.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value)))]),
            ["cases"] = new JsonArray([.. cases.Select((c, i) => (JsonNode)new JsonObject
            {
                ["check"] = Checks[i / Callers.Length],
                ["creds"] = new JsonObject
                {
                    ["user_id"] = c.Caller.UserId,
                    ["project_id"] = c.Caller.ProjectId,
                    ["roles"] = new JsonArray([.. c.Caller.Roles.Select(r => (JsonNode)JsonValue.Create(r))]),
                },
                ["clauses"] = new JsonArray([.. c.Explanation.Clauses.Select(clause => (JsonNode)JsonValue.Create(Bare(clause)))]),
            })]),
        });

        var mismatches = new List<string>();
        var allowed = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var (explanation, caller) = cases[i];
            var enforced = oslo["enforced"]![i]!.GetValue<bool>();
            allowed += enforced ? 1 : 0;
            if (enforced != explanation.Allowed)
            {
                mismatches.Add($"{Checks[i / Callers.Length]} roles [{string.Join(",", caller.Roles)}] {caller.ProjectId}: oslo.policy {enforced}, explanation {explanation.Allowed}");
            }

            var clauses = oslo["clauses"]![i]!.AsArray();
            for (var c = 0; c < clauses.Count; c++)
            {
                if (clauses[c]!.GetValue<bool>() != explanation.Allowed)
                {
                    mismatches.Add($"{Checks[i / Callers.Length]} roles [{string.Join(",", caller.Roles)}] {caller.ProjectId}: clause '{explanation.Clauses[c]}' is {clauses[c]} alone in oslo.policy");
                }
            }

            if (explanation.Clauses.Count == 0)
            {
                mismatches.Add($"{Checks[i / Callers.Length]}: no clause");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.InRange(allowed, 1, cases.Count - 1);
    }

    // The clause itself, without the rule: references that led to it (and their annotation).
    private static string Bare(string clause)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(clause, @"rule:\S+ → ", string.Empty);
        return text.EndsWith(" (names no rule)", StringComparison.Ordinal) ? "!" : text;
    }
}
