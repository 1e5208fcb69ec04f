using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Rules;

namespace Glance.Policy.Tests.Rules;

/// <summary>
/// <see cref="PolicyExplainer"/>: the same answer as <see cref="PolicyRules.IsAllowed"/>, the branch
/// that held for an allow (the first passing branch of an <c>or</c>), the failing check of each
/// branch for a refusal, <c>rule:</c> references followed, and the scope check.
/// </summary>
public sealed class PolicyExplainerTests
{
    private static readonly ImageFacts SharedImage = new("11111111-1111-4111-8111-111111111111", ImageVisibility.Shared, "p-owner");

    [Fact]
    public void Explain_SecureDeleteImageByAnotherProjectsMember_NamesTheFailingCheckOfEachBranch()
    {
        var rules = PolicyRules.Defaults(PolicyMode.Secure);
        var caller = new PolicyCredentials("u", "p-other", ["member", "reader"]);

        var explanation = PolicyExplainer.Explain(rules, PolicyRuleNames.DeleteImage, caller, new ImageTarget(SharedImage, caller.ProjectId));

        Assert.False(explanation.Allowed);
        Assert.Equal(["role:admin", "project_id:%(project_id)s"], explanation.Clauses);
        Assert.Equal("role:admin; project_id:%(project_id)s", explanation.FailedClause);
        Assert.Equal(string.Empty, explanation.HeldClause);
        Assert.Equal(rules.Describe(PolicyRuleNames.DeleteImage), explanation.Expression);
    }

    [Fact]
    public void Explain_SecureDeleteImageByTheOwnersMember_IsTheBranchThatHeld()
    {
        var rules = PolicyRules.Defaults(PolicyMode.Secure);
        var caller = new PolicyCredentials("u", "p-owner", ["member"]);

        var explanation = PolicyExplainer.Explain(rules, PolicyRuleNames.DeleteImage, caller, new ImageTarget(SharedImage, caller.ProjectId));

        Assert.True(explanation.Allowed);
        Assert.Equal("(role:member and project_id:%(project_id)s)", explanation.HeldClause);
        Assert.Equal(string.Empty, explanation.FailedClause);
    }

    [Fact]
    public void Explain_AnOrWhoseFirstBranchHolds_StopsThere()
    {
        var rules = PolicyRules.Defaults(PolicyMode.Secure);
        var admin = new PolicyCredentials("u", "p-owner", ["admin", "member"]);

        var explanation = PolicyExplainer.Explain(rules, PolicyRuleNames.DeleteImage, admin, new ImageTarget(SharedImage, admin.ProjectId));

        Assert.Equal("role:admin", explanation.HeldClause);
    }

    [Fact]
    public void Explain_LegacyModeDeprecatedRule_FollowsRuleDefault()
    {
        var rules = PolicyRules.Defaults(PolicyMode.Legacy);
        var stranger = new PolicyCredentials("u", "p-other", ["reader"]);

        var explanation = PolicyExplainer.Explain(rules, PolicyRuleNames.DeleteImage, stranger, new ImageTarget(SharedImage, stranger.ProjectId));

        Assert.True(explanation.Allowed);
        Assert.Equal("rule:default → @", explanation.HeldClause);
    }

    [Fact]
    public void Explain_FileRuleReferringToAnother_FollowsTheReferenceIntoEachBranch()
    {
        var rules = PolicyRules.Build(
            PolicyMode.Secure,
            PolicyFile.Parse("""{"get_image": "rule:image_staff and not role:banned", "image_staff": "role:staff or user_id:u-boss"}"""),
            "test");
        var caller = new PolicyCredentials("u", "p", ["reader"]);

        var explanation = PolicyExplainer.Explain(rules, PolicyRuleNames.GetImage, caller, EmptyTarget.Instance);

        Assert.False(explanation.Allowed);
        Assert.Equal(["rule:image_staff → role:staff", "rule:image_staff → user_id:u-boss"], explanation.Clauses);
    }

    [Fact]
    public void Explain_NotCheckThatFails_SaysWhatHeldInside()
    {
        var rules = PolicyRules.Build(PolicyMode.Secure, PolicyFile.Parse("""{"get_image": "role:reader and not role:banned"}"""), "test");
        var caller = new PolicyCredentials("u", "p", ["reader", "banned"]);

        var explanation = PolicyExplainer.Explain(rules, PolicyRuleNames.GetImage, caller, EmptyTarget.Instance);

        Assert.Equal("not role:banned", explanation.FailedClause);
    }

    [Fact]
    public void Explain_SystemScopedTokenWithEnforceScope_IsTheScopeCheck()
    {
        var rules = PolicyRules.Defaults(PolicyMode.Secure);
        var system = new PolicyCredentials("u", null, ["admin"], systemScope: "all");

        var explanation = PolicyExplainer.Explain(rules, PolicyRuleNames.DeleteImage, system, new ImageTarget(SharedImage, null));

        Assert.False(explanation.Allowed);
        Assert.True(explanation.ScopeRefused);
        Assert.Contains("system-scoped", explanation.FailedClause, StringComparison.Ordinal);
        Assert.False(rules.IsAllowed(PolicyRuleNames.DeleteImage, system, new ImageTarget(SharedImage, null)));
    }

    [Fact]
    public void Explain_UnregisteredRule_Throws()
    {
        var rules = PolicyRules.Defaults(PolicyMode.Secure);

        Assert.Throws<InvalidOperationException>(() => PolicyExplainer.Explain(rules, "no_such_rule", new PolicyCredentials("u", "p", []), EmptyTarget.Instance));
    }

    [Fact]
    public void Explain_EveryDefaultRuleForEveryCaller_AgreesWithIsAllowed()
    {
        PolicyCredentials[] callers =
        [
            new("u", "p-owner", ["member", "reader"]), new("u", "p-other", ["reader"]), new("u", "p-other", ["admin"]),
            new("u", null, ["admin"], systemScope: "all"), new("u", "p-other", []),
        ];
        var checkedCount = 0;
        foreach (var mode in new[] { PolicyMode.Legacy, PolicyMode.Secure })
        {
            var rules = PolicyRules.Defaults(mode);
            foreach (var rule in GlanceDefaults.All.Where(r => r.Name is not (GlanceDefaults.DefaultRule or GlanceDefaults.ContextIsAdmin)))
            {
                foreach (var caller in callers)
                {
                    var target = new ImageTarget(SharedImage, caller.ProjectId);
                    Assert.Equal(rules.IsAllowed(rule.Name, caller, target), PolicyExplainer.Explain(rules, rule.Name, caller, target).Allowed);
                    checkedCount++;
                }
            }
        }

        Assert.True(checkedCount > 100);
    }

    [Fact]
    public void Observed_Rules_ReportEveryQueryWithItsTargetAndAnswer()
    {
        var queries = new List<PolicyQuery>();
        var rules = PolicyRules.Defaults(PolicyMode.Secure).Observed(queries.Add);
        var caller = new PolicyCredentials("u", "p-other", ["reader"]);
        var target = new ImageTarget(SharedImage, caller.ProjectId);

        var first = rules.IsAllowed(PolicyRuleNames.GetImage, caller, target);
        var second = rules.IsAllowed(PolicyRuleNames.DeleteImage, caller, target);

        Assert.Equal([(PolicyRuleNames.GetImage, first), (PolicyRuleNames.DeleteImage, second)], queries.Select(q => (q.Rule, q.Allowed)));
        Assert.Same(target, queries[0].Target);
        Assert.NotEqual(first, second);
    }
}
