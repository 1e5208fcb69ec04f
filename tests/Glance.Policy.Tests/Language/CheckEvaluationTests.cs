using Glance.Policy.Language;

namespace Glance.Policy.Tests.Language;

/// <summary>
/// How one check decides (oslo_policy/_checks.py): values compare as Python's <c>str()</c>, role
/// names case-insensitively, a target key that is missing fails the check, and the credentials are
/// oslo.context's policy values (no <c>is_admin</c> key).
/// </summary>
public sealed class CheckEvaluationTests
{
    private static readonly PolicyCredentials ProjectMember = new("u-1", "p-1", ["member", "reader"]);
    private static readonly PolicyCredentials ProjectAdmin = new("u-2", "p-2", ["admin", "member", "reader"]);
    private static readonly PolicyCredentials SystemAdmin = new("u-3", null, ["admin"], systemScope: "all");
    private static readonly PolicyCredentials DomainUser = new("u-4", null, ["member"], domainId: "d-1");

    [Theory]
    [InlineData("project_id:%(member_id)s", "None", true)]
    [InlineData("project_id:%(member_id)s", "p-1", false)]
    [InlineData("project_id:None", null, true)]
    [InlineData("None:%(member_id)s", "None", true)]
    [InlineData("'None':%(member_id)s", "None", true)]
    public void GenericCheck_ProjectlessCaller_ComparesNoneAsPythonStr(string text, string? memberId, bool expected)
    {
        Assert.Equal(expected, Evaluate(text, SystemAdmin, ("member_id", memberId)));
    }

    [Theory]
    [InlineData("project_id:%(project_id)s", "p-1", true)]
    [InlineData("project_id:%(project_id)s", "P-1", false)]
    [InlineData("project_id:%(project_id)s", "p-1 ", false)]
    [InlineData("project_id:p-%(n)s", null, true)]
    [InlineData("user_id:%(owner)s", "u-1", true)]
    [InlineData("'shared':%(visibility)s", "shared", true)]
    [InlineData("\"shared\":%(visibility)s", "shared", true)]
    [InlineData("'shared':%(visibility)s", "Shared", false)]
    [InlineData("True:%(protected)s", "True", true)]
    [InlineData("'True':%(protected)s", "True", true)]
    [InlineData("True:%(protected)s", "true", false)]
    [InlineData("False:%(protected)s", "False", true)]
    [InlineData("512:%(min_ram)s", "512", true)]
    [InlineData("1_000:%(min_ram)s", "1000", true)]
    [InlineData("-0:%(min_ram)s", "0", true)]
    [InlineData("roles:member", null, true)]
    [InlineData("roles:admin", null, false)]
    [InlineData("roles:%(role)s", "reader", true)]
    [InlineData("is_admin_project:True", null, true)]
    [InlineData("system_scope:None", null, true)]
    [InlineData("domain_id:None", null, true)]
    [InlineData("service_user_id:None", null, true)]
    [InlineData("service_roles:admin", null, false)]
    [InlineData("user_id:u-%%1", null, false)]
    public void GenericCheck_ProjectCaller_ComparesAsPythonStr(string text, string? value, bool expected)
    {
        var target = new DictionaryTarget(new Dictionary<string, string>
        {
            ["project_id"] = value ?? "p-1",
            ["owner"] = value ?? "u-1",
            ["visibility"] = value ?? "shared",
            ["protected"] = value ?? "True",
            ["min_ram"] = value ?? "512",
            ["role"] = value ?? "reader",
            ["n"] = "1",
        });

        Assert.Equal(expected, PolicyParser.Parse(text).Root.Evaluate(ProjectMember, target));
    }

    // oslo.context's to_policy_values() has no is_admin key, so the check never passes.
    [Theory]
    [InlineData("is_admin:True")]
    [InlineData("is_admin:False")]
    [InlineData("is_admin:%(is_admin)s")]
    public void GenericCheck_IsAdmin_NeverPasses(string text)
    {
        var target = new DictionaryTarget(new Dictionary<string, string> { ["is_admin"] = "True" });

        foreach (var caller in new[] { ProjectMember, ProjectAdmin, SystemAdmin, DomainUser })
        {
            Assert.False(PolicyParser.Parse(text).Root.Evaluate(caller, target));
        }
    }

    [Theory]
    [InlineData("system:all", "all", true)]
    [InlineData("system_scope:all", "all", true)]
    [InlineData("system:all", null, false)]
    [InlineData("system:None", null, false)]
    [InlineData("system_scope:None", null, true)]
    public void GenericCheck_SystemKey_OnlyForSystemScopedTokens(string text, string? scope, bool expected)
    {
        var caller = new PolicyCredentials("u", scope is null ? "p" : null, ["admin"], systemScope: scope);

        Assert.Equal(expected, PolicyParser.Parse(text).Root.Evaluate(caller, EmptyTarget.Instance));
    }

    [Theory]
    [InlineData("role:admin", true)]
    [InlineData("role:ADMIN", true)]
    [InlineData("role:Admin", true)]
    [InlineData("role:adm", false)]
    [InlineData("role:admin2", false)]
    public void RoleCheck_Name_IsCaseInsensitive(string text, bool expected)
    {
        Assert.Equal(expected, PolicyParser.Parse(text).Root.Evaluate(ProjectAdmin, EmptyTarget.Instance));
    }

    [Fact]
    public void RoleCheck_CredentialRolesInAnyCase_AreLowerCasedOnce()
    {
        var caller = new PolicyCredentials("u", "p", ["ADMIN", " Member ", ""]);

        Assert.Equal(["admin", "member"], caller.Roles);
        Assert.True(PolicyParser.Parse("role:admin and role:MEMBER").Root.Evaluate(caller, EmptyTarget.Instance));
    }

    [Theory]
    [InlineData("ADMIN", true)]
    [InlineData("reader", true)]
    [InlineData("owner", false)]
    public void RoleCheck_FromTarget_IsCaseInsensitive(string role, bool expected)
    {
        var target = new DictionaryTarget(new Dictionary<string, string> { ["role"] = role });

        Assert.Equal(expected, PolicyParser.Parse("role:%(role)s").Root.Evaluate(ProjectAdmin, target));
    }

    // Python's `match % target` raises KeyError; oslo.policy catches it and the check is False.
    [Theory]
    [InlineData("project_id:%(nope)s", false)]
    [InlineData("'x':%(nope)s", false)]
    [InlineData("None:%(nope)s", false)]
    [InlineData("role:%(nope)s", false)]
    [InlineData("not project_id:%(nope)s", true)]
    [InlineData("role:admin and project_id:%(nope)s", false)]
    [InlineData("project_id:%(nope)s or role:admin", true)]
    public void Check_MissingTargetKey_FailsThatCheck(string text, bool expected)
    {
        Assert.Equal(expected, PolicyParser.Parse(text).Root.Evaluate(ProjectAdmin, EmptyTarget.Instance));
    }

    [Fact]
    public void GenericCheck_UnknownCredential_Fails()
    {
        Assert.False(PolicyParser.Parse("tenant:%(project_id)s").Root.Evaluate(ProjectMember, Target(("project_id", "p-1"))));
        Assert.False(PolicyParser.Parse("a.b:%(project_id)s").Root.Evaluate(ProjectMember, Target(("project_id", "p-1"))));
    }

    [Theory]
    [InlineData("@", true)]
    [InlineData("!", false)]
    [InlineData("not @", false)]
    [InlineData("not !", true)]
    [InlineData("@ and !", false)]
    [InlineData("@ or !", true)]
    [InlineData("not (@ and !)", true)]
    [InlineData("! or ! or @", true)]
    public void Check_Constants_CombineAsBooleans(string text, bool expected)
    {
        Assert.Equal(expected, PolicyParser.Parse(text).Root.Evaluate(ProjectMember, EmptyTarget.Instance));
    }

    // A rule: reference that was never bound to a rule set fails closed.
    [Fact]
    public void RuleCheck_Unbound_Fails()
    {
        Assert.False(PolicyParser.Parse("rule:default").Root.Evaluate(ProjectAdmin, EmptyTarget.Instance));
    }

    [Fact]
    public void TokenScope_OfEachToken_IsWhatTheScopeCheckNames()
    {
        Assert.Equal(["project", "project", "system", "domain"], new[] { ProjectMember, ProjectAdmin, SystemAdmin, DomainUser }.Select(c => c.TokenScope));
    }

    private static bool Evaluate(string text, PolicyCredentials caller, params (string Key, string? Value)[] values) =>
        PolicyParser.Parse(text).Root.Evaluate(caller, Target(values));

    private static DictionaryTarget Target(params (string Key, string? Value)[] values) =>
        new(values.ToDictionary(v => v.Key, v => PythonText.Of(v.Value), StringComparer.Ordinal));
}
