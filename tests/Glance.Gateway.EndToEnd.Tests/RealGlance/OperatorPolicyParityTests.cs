using Glance.Gateway.EndToEnd.Tests.Support;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// CONFORMANCE.md section 5's operator policy file: a real Glance 25.1 (legacy mode) started with
/// an operator's <c>policy.yaml</c> (<c>[oslo_policy] policy_file</c>), the gateway in front of it
/// given the same file (<c>Policy:File</c>), and the same member DELETE sent to both, as in
/// <see cref="MemberDeleteParityTests"/>. Each file shows one semantic of oslo.policy as Glance uses
/// it; the statuses of the rows are what that Glance answered. A shared image, member project
/// accepted, the member project's id in the URL.
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class OperatorPolicyParityTests(KeystoneFixture keystoneFixture, RealGlanceFixture glanceFixture) : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        // rule:NAME of a rule that does not exist falls back to 'default' ("": true); a check
        // string that cannot be parsed denies that one rule: the member lookup passes, the delete
        // is refused with the policy's text once the coded checks have passed.
        ["fallback-and-unparsable"] = "\"get_member\": \"rule:no_such_rule\"\n\"delete_member\": \"role:admin and (\"\n",
        // The target's member_id is the caller's own project when the image is shared and the
        // caller is not its owner, else None; values compare as Python str(): the owner (None) is
        // refused, a project admin (its own project) and the system admin (None = None) pass.
        ["member-id-target"] = "\"delete_member\": \"project_id:%(member_id)s\"\n",
        // Roles compare case-insensitively; %(owner)s is the image's owner: anyone of the owner
        // project with the reader role (implied by member) passes, the admin's project does not.
        ["role-case-and-owner"] = "\"delete_member\": \"role:READER and project_id:%(owner)s\"\n",
    };

    private readonly KeystoneServer _keystone = keystoneFixture.Keystone;
    private RealGlanceSuite _suite = null!;
    private ParityScenario _scenario = null!;

    public async Task InitializeAsync()
    {
        _suite = await glanceFixture.StartAsync(_keystone);
        _scenario = new ParityScenario(_suite);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("fallback-and-unparsable", "owner", 403)]
    [InlineData("fallback-and-unparsable", "admin", 403)]
    [InlineData("fallback-and-unparsable", "system-admin", 403)]
    [InlineData("fallback-and-unparsable", "reader", 403)]
    [InlineData("fallback-and-unparsable", "member", 403)]
    [InlineData("fallback-and-unparsable", "stranger", 404)]
    [InlineData("member-id-target", "owner", 403)]
    [InlineData("member-id-target", "admin", 204)]
    [InlineData("member-id-target", "system-admin", 204)]
    [InlineData("member-id-target", "reader", 403)]
    [InlineData("member-id-target", "member", 403)]
    [InlineData("member-id-target", "stranger", 404)]
    [InlineData("role-case-and-owner", "owner", 204)]
    [InlineData("role-case-and-owner", "admin", 403)]
    [InlineData("role-case-and-owner", "system-admin", 403)]
    [InlineData("role-case-and-owner", "reader", 204)]
    [InlineData("role-case-and-owner", "member", 403)]
    [InlineData("role-case-and-owner", "stranger", 404)]
    public async Task MemberDelete_OperatorPolicyFile_SameAnswerAsGlance(string file, string who, int status)
    {
        var side = await _suite.WithPolicyFileAsync(file, Files[file]);

        await _scenario.AssertParityAsync(side, $"policy file {file}:", "shared-accepted", "exact",
            [_scenario.Delete(who, _scenario.MemberProject, "application/json")], [status]);
    }
}
