using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Rules;

namespace Glance.Policy.Tests.Rules;

/// <summary>
/// A compiled rule set as oslo.policy's Enforcer holds it: file rules replace defaults, rule:
/// references fall back to <c>default</c>, an unparsable rule denies only itself, the scope check
/// applies to the rule being enforced only, remote checks are refused, cycles are refused.
/// </summary>
public sealed class PolicyRulesTests
{
    private static readonly PolicyCredentials Admin = new("u-admin", "p-admin", ["admin", "member", "reader"]);
    private static readonly PolicyCredentials Owner = new("u-owner", "p-owner", ["member", "reader"]);
    private static readonly PolicyCredentials Stranger = new("u-stranger", "p-stranger", ["member", "reader"]);
    private static readonly PolicyCredentials SystemAdmin = new("u-system", null, ["admin", "member", "reader"], systemScope: "all");
    private static readonly PolicyCredentials DomainAdmin = new("u-domain", null, ["admin", "member", "reader"], domainId: "d-1");
    private static readonly ImageFacts SharedImage = new("5e8ad6dc-83fc-4f45-8db3-06690a73a2c7", ImageVisibility.Shared, "p-owner");
    private static readonly ImageFacts PrivateImage = new("5e8ad6dc-83fc-4f45-8db3-06690a73a2c8", ImageVisibility.Private, "p-owner");

    // Every registered rule whose deprecated rule is rule:default (all but default, context_is_admin,
    // publicize_image, manage_image_cache and copy_image, which are role:admin or have none), less
    // the task rules get_task, get_tasks and add_task, whose new default is rule:default too.
    public static TheoryData<string> RulesDeprecatedToDefault =>
        [.. GlanceDefaults.All.Where(d => d.DeprecatedCheckString == "rule:default" && d.CheckString != "rule:default").Select(d => d.Name)];

    [Theory]
    [InlineData("legacy")]
    [InlineData("secure")]
    public void IsAllowed_RuleNamingNoRule_FallsBackToDefault(string mode)
    {
        var rules = Build(mode, "get_image: 'rule:no_such_rule'");

        Assert.True(rules.IsAllowed(PolicyRuleNames.GetImage, Stranger, Target(PrivateImage, Stranger)));
        var diagnostic = Assert.Single(rules.Diagnostics, d => d.Rule == PolicyRuleNames.GetImage);
        Assert.Contains("falls back to rule:default", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("legacy")]
    [InlineData("secure")]
    public void IsAllowed_RuleNamingNoRuleWithStrictDefault_FollowsTheDefault(string mode)
    {
        var rules = Build(mode, "get_image: 'rule:no_such_rule'\ndefault: 'role:admin'");

        Assert.False(rules.IsAllowed(PolicyRuleNames.GetImage, Owner, Target(SharedImage, Owner)));
        Assert.True(rules.IsAllowed(PolicyRuleNames.GetImage, Admin, Target(SharedImage, Admin)));
    }

    [Fact]
    public void IsAllowed_UnparsableRule_DeniesOnlyItself()
    {
        var rules = Build("legacy", "get_image: 'role:admin or'\nget_member: 'role:admin'\n");

        Assert.False(rules.IsAllowed(PolicyRuleNames.GetImage, Admin, Target(SharedImage, Admin)));
        Assert.True(rules.IsAllowed(PolicyRuleNames.GetMember, Admin, Target(SharedImage, Admin)));
        Assert.False(rules.IsAllowed(PolicyRuleNames.GetMember, Owner, Target(SharedImage, Owner)));
        Assert.True(rules.IsAllowed(PolicyRuleNames.DeleteMember, Owner, Target(SharedImage, Owner)));
        Assert.Equal("!", rules.Describe(PolicyRuleNames.GetImage));
        var diagnostic = Assert.Single(rules.Diagnostics);
        Assert.Equal((PolicyRuleNames.GetImage, true), (diagnostic.Rule, diagnostic.IsError));
        Assert.Contains("character 12", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RulesDeprecatedToDefault))]
    public void IsAllowed_LegacyDefaults_AllowEveryCaller(string rule)
    {
        var legacy = PolicyRules.Defaults(PolicyMode.Legacy);
        var secure = PolicyRules.Defaults(PolicyMode.Secure);

        foreach (var caller in new[] { Admin, Owner, Stranger, SystemAdmin, DomainAdmin })
        {
            Assert.True(legacy.IsAllowed(rule, caller, Target(PrivateImage, caller)), $"legacy {rule} refused {caller.UserId}");
        }

        Assert.False(secure.IsAllowed(rule, Stranger, Target(PrivateImage, Stranger)), $"secure {rule} allowed a stranger");
    }

    [Theory]
    [InlineData(PolicyRuleNames.PublicizeImage)]
    [InlineData(PolicyRuleNames.ManageImageCache)]
    [InlineData(PolicyRuleNames.CopyImage)]
    public void IsAllowed_AdminOnlyRulesWithoutDeprecatedRule_RefuseNonAdminsInLegacyToo(string rule)
    {
        var legacy = PolicyRules.Defaults(PolicyMode.Legacy);

        Assert.False(legacy.IsAllowed(rule, Owner, Target(SharedImage, Owner)));
        Assert.True(legacy.IsAllowed(rule, Admin, Target(SharedImage, Admin)));
    }

    [Fact]
    public void IsAllowed_FileRule_ReplacesDefaultAndDeprecatedRule()
    {
        var rules = Build("legacy", "delete_member: 'role:member and project_id:%(project_id)s'");

        Assert.Equal("(role:member and project_id:%(project_id)s)", rules.Describe(PolicyRuleNames.DeleteMember));
        Assert.False(rules.IsAllowed(PolicyRuleNames.DeleteMember, Stranger, Target(SharedImage, Stranger)));
        Assert.Equal("((role:admin or (role:member and project_id:%(project_id)s)) or rule:default)", rules.Describe(PolicyRuleNames.AddMember));
    }

    // enforce_scope: a token whose scope is not in the enforced rule's scope_types fails it.
    [Theory]
    [InlineData(true, true, false)]
    [InlineData(false, true, false)]
    [InlineData(true, false, true)]
    [InlineData(false, false, true)]
    public void IsAllowed_SystemTokenOnProjectRule_FailsOnlyWithEnforceScope(bool newDefaults, bool scope, bool expected)
    {
        var rules = PolicyRules.Build(new PolicyMode(newDefaults, scope), PolicyFile.Parse("get_image: '@'"), "policy.yaml");

        Assert.Equal(expected, rules.IsAllowed(PolicyRuleNames.GetImage, SystemAdmin, Target(SharedImage, SystemAdmin)));
        Assert.Equal(expected, rules.IsAllowed(PolicyRuleNames.GetImage, DomainAdmin, Target(SharedImage, DomainAdmin)));
        Assert.True(rules.IsAllowed(PolicyRuleNames.GetImage, Stranger, Target(SharedImage, Stranger)));
    }

    // The scope check looks at the rule being enforced, never at rules reached through rule:.
    [Fact]
    public void IsAdmin_ThroughRuleWithProjectScope_IgnoresThatRulesScope()
    {
        var rules = Build("secure", "context_is_admin: 'rule:get_image'\nget_image: 'role:admin'");

        Assert.True(rules.IsAdmin(SystemAdmin));
        Assert.False(rules.IsAllowed(PolicyRuleNames.GetImage, SystemAdmin, Target(SharedImage, SystemAdmin)));
        Assert.Null(rules.ScopeTypes(GlanceDefaults.ContextIsAdmin));
        Assert.Equal(["project"], rules.ScopeTypes(PolicyRuleNames.GetImage));
    }

    [Fact]
    public void IsAllowed_ProjectRuleThroughHelper_AppliesOnlyTheEnforcedRulesScope()
    {
        var rules = Build("secure", "get_member: 'rule:helper'\nhelper: '@'\ncontext_is_admin: 'rule:helper'");

        Assert.False(rules.IsAllowed(PolicyRuleNames.GetMember, SystemAdmin, EmptyTarget.Instance));
        Assert.True(rules.IsAllowed(PolicyRuleNames.GetMember, Owner, EmptyTarget.Instance));
        Assert.True(rules.IsAdmin(SystemAdmin));
    }

    [Theory]
    [InlineData("get_image: 'http://policy.example.com/%(id)s'")]
    [InlineData("get_image: 'https://policy.example.com'")]
    public void IsAllowed_RemoteCheck_IsRefusedWithDiagnostic(string file)
    {
        var rules = Build("legacy", file);

        Assert.False(rules.IsAllowed(PolicyRuleNames.GetImage, Admin, Target(SharedImage, Admin)));
        var diagnostic = Assert.Single(rules.Diagnostics);
        Assert.True(diagnostic.IsError);
        Assert.Contains("remote server", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsAllowed_RemoteCheckBesideARole_OnlyTheRemotePartFails()
    {
        var rules = Build("legacy", "get_image: 'role:admin or http://policy.example.com'");

        Assert.True(rules.IsAllowed(PolicyRuleNames.GetImage, Admin, Target(SharedImage, Admin)));
        Assert.False(rules.IsAllowed(PolicyRuleNames.GetImage, Owner, Target(SharedImage, Owner)));
    }

    [Fact]
    public void IsAllowed_Cycle_IsRefusedWithDiagnostic()
    {
        var rules = Build("legacy", "get_image: 'rule:a'\na: 'rule:b or role:reader'\nb: 'rule:a'\nget_member: 'rule:c'\nc: '@'");

        Assert.False(rules.IsAllowed(PolicyRuleNames.GetImage, Admin, Target(SharedImage, Admin)));
        Assert.True(rules.IsAllowed(PolicyRuleNames.GetMember, Admin, Target(SharedImage, Admin)));
        Assert.Contains(rules.Diagnostics, d => d.Rule == "a" && d.IsError && d.Message.Contains("reaches itself", StringComparison.Ordinal));
        Assert.Contains(rules.Diagnostics, d => d.Rule == "b" && d.IsError && d.Message.Contains("reaches itself", StringComparison.Ordinal));
    }

    [Fact]
    public void IsAllowed_SelfReference_IsRefused()
    {
        var rules = Build("secure", "delete_member: 'role:admin or rule:delete_member'");

        Assert.False(rules.IsAllowed(PolicyRuleNames.DeleteMember, Admin, Target(SharedImage, Admin)));
        Assert.Contains(rules.Diagnostics, d => d.Rule == PolicyRuleNames.DeleteMember && d.IsError);
    }

    // default naming a missing rule would fall back to itself: a cycle through the fallback.
    [Fact]
    public void IsAllowed_DefaultNamingMissingRule_IsRefusedAsACycle()
    {
        var rules = Build("legacy", "default: 'rule:no_such_rule'\nget_image: 'rule:also_missing'");

        Assert.False(rules.IsAllowed(PolicyRuleNames.GetImage, Admin, Target(SharedImage, Admin)));
        Assert.Contains(rules.Diagnostics, d => d.Rule == GlanceDefaults.DefaultRule && d.IsError);
    }

    [Fact]
    public void IsAllowed_ChainOfReferences_Resolves()
    {
        var rules = Build("secure", "get_image: 'rule:x'\nx: 'rule:y and role:reader'\ny: 'not rule:z'\nz: '!'");

        Assert.True(rules.IsAllowed(PolicyRuleNames.GetImage, Owner, EmptyTarget.Instance));
        Assert.Empty(rules.Diagnostics);
    }

    [Theory]
    [InlineData("no_such_rule")]
    [InlineData("helper")]
    public void IsAllowed_UnregisteredRule_Throws(string rule)
    {
        var rules = Build("legacy", "helper: '@'");

        Assert.Throws<InvalidOperationException>(() => rules.IsAllowed(rule, Admin, EmptyTarget.Instance));
    }

    [Fact]
    public void Build_UnusedFileRule_IsReportedAsNoEffect()
    {
        var rules = Build("legacy", "delete_members: 'role:admin'");

        var diagnostic = Assert.Single(rules.Diagnostics);
        Assert.Equal(("delete_members", false), (diagnostic.Rule, diagnostic.IsError));
    }

    [Theory]
    [InlineData("role:admin", "Admin", true)]
    [InlineData("role:admin", "Owner", false)]
    [InlineData("role:admin", "SystemAdmin", true)]
    [InlineData("is_admin:True", "Admin", false)]
    [InlineData("project_id:%(project_id)s", "Owner", true)]
    [InlineData("user_id:%(user)s", "Owner", true)]
    [InlineData("'False':%(is_admin)s", "Owner", true)]
    [InlineData("'p-owner':%(project)s", "Owner", true)]
    [InlineData("None:%(project_id)s", "SystemAdmin", true)]
    [InlineData("'all':%(system_scope)s", "SystemAdmin", true)]
    [InlineData("project_id:%(auth_token)s", "Owner", false)]
    public void IsAdmin_ContextIsAdminOverride_IsEvaluatedOverTheContext(string check, string who, bool expected)
    {
        var rules = Build("legacy", $"context_is_admin: \"{check}\"");
        var caller = who switch { "Admin" => Admin, "Owner" => Owner, _ => SystemAdmin };

        Assert.Equal(expected, rules.IsAdmin(caller));
    }

    [Fact]
    public void Replace_Holder_SwapsTheSetForLaterReads()
    {
        var holder = new PolicyRulesHolder(PolicyRules.Defaults(PolicyMode.Legacy));
        var before = holder.Current;

        holder.Replace(PolicyRules.Defaults(PolicyMode.Secure));

        Assert.Equal(PolicyMode.Legacy, before.Mode);
        Assert.Equal(PolicyMode.Secure, holder.Current.Mode);
        Assert.Throws<ArgumentNullException>(() => holder.Replace(null!));
    }

    [Theory]
    [InlineData(false, false, "legacy")]
    [InlineData(true, true, "secure")]
    [InlineData(true, false, "new-defaults")]
    [InlineData(false, true, "legacy+scope")]
    public void ToString_Mode_NamesIt(bool newDefaults, bool scope, string expected)
    {
        Assert.Equal(expected, new PolicyMode(newDefaults, scope).ToString());
    }

    private static PolicyRules Build(string mode, string file) =>
        PolicyRules.Build(mode == "legacy" ? PolicyMode.Legacy : PolicyMode.Secure, PolicyFile.Parse(file), "policy.yaml");

    private static ImageTarget Target(ImageFacts image, PolicyCredentials caller) => new(image, caller.ProjectId);
}
