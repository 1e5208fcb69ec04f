using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Rules;
using static Glance.Policy.Tests.Members.Identities;

namespace Glance.Policy.Tests.Members;

/// <summary>
/// CONFORMANCE.md section 1 (legacy mode: Glance 25 as packaged) and section 5 (secure RBAC:
/// <c>enforce_secure_rbac</c>, <c>enforce_new_defaults</c>, <c>enforce_scope</c> on) as tables over
/// the pure decision function. Every row is one consequence the contract lists, with the status,
/// the explanation text, the deciding row and the policy rule named in the decision. The membership
/// facts come from the single probe the gateway and the store make (<see cref="MembershipProbe"/>).
/// </summary>
public sealed class MemberDeletePolicyTests
{
    private const string ImageNotFound = "Image {image} not found.";
    private const string NotAllowed = "Not allowed to delete members for image {image}.";
    private const string MemberNotFound = "{member} not found in the member list of the image {image}.";
    private const string DeleteMemberRefused = "You are not authorized to complete delete_member action.";
    private const string GetMemberRefused = "You are not authorized to complete get_member action.";
    private const string ResourceNotFound = "The resource could not be found.";
    private const string DeleteMember = PolicyRuleNames.DeleteMember;
    private const string GetImage = PolicyRuleNames.GetImage;
    private const string GetMember = PolicyRuleNames.GetMember;

    private static readonly PolicyRules Legacy = PolicyRules.Defaults(PolicyMode.Legacy);
    private static readonly PolicyRules Secure = PolicyRules.Defaults(PolicyMode.Secure);

    /// <summary>Section 1, every listed consequence, legacy mode.</summary>
    public static TheoryData<string, Who, ImageKind, string, int, MemberDeleteRule, string?, string?> LegacyRows => new()
    {
        // owner or admin deletes a pending/accepted/rejected member -> 204
        { "owner deletes a pending member", Who.Owner, ImageKind.Shared, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "owner deletes an accepted member", Who.Owner, ImageKind.Shared, OtherMember, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "owner deletes a rejected member", Who.Owner, ImageKind.Shared, RejectedProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "admin deletes a pending member", Who.Admin, ImageKind.Shared, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "admin deletes an accepted member", Who.Admin, ImageKind.Shared, OtherMember, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "admin deletes a rejected member", Who.Admin, ImageKind.Shared, RejectedProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "reader-only user of the owning project deletes a member", Who.OwnerReader, ImageKind.Shared, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },

        // a member id not in the list -> 404 rule 8 (exact, case-sensitive)
        { "owner deletes a bogus id", Who.Owner, ImageKind.Shared, Bogus, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },
        { "admin deletes a bogus id", Who.Admin, ImageKind.Shared, Bogus, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },
        { "owner deletes a member id in upper case", Who.Owner, ImageKind.Shared, MemberProject.ToUpperInvariant(), 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },
        { "owner deletes itself, not a member", Who.Owner, ImageKind.Shared, OwnerProject, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },

        // member deletes its own membership, another member, or a bogus id -> 403 rule 7
        { "member deletes its own membership", Who.Member, ImageKind.Shared, MemberProject, 403, MemberDeleteRule.NotImageOwner, NotAllowed, null },
        { "rejected member deletes its own membership", Who.RejectedMember, ImageKind.Shared, RejectedProject, 403, MemberDeleteRule.NotImageOwner, NotAllowed, null },
        { "member deletes another member", Who.Member, ImageKind.Shared, OtherMember, 403, MemberDeleteRule.NotImageOwner, NotAllowed, null },
        { "member deletes a bogus id", Who.Member, ImageKind.Shared, Bogus, 403, MemberDeleteRule.NotImageOwner, NotAllowed, null },

        // stranger on a shared image -> 404 rule 5, whatever the member id
        { "stranger deletes a member", Who.Stranger, ImageKind.Shared, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "stranger deletes a bogus id", Who.Stranger, ImageKind.Shared, Bogus, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "stranger deletes its own project id", Who.Stranger, ImageKind.Shared, StrangerProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },

        // public or community image: owner, admin, stranger, bogus member -> 403 rule 6
        { "owner on a public image", Who.Owner, ImageKind.Public, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "admin on a public image", Who.Admin, ImageKind.Public, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "stranger on a public image", Who.Stranger, ImageKind.Public, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "member on a public image", Who.Member, ImageKind.Public, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "bogus member on a public image", Who.Owner, ImageKind.Public, Bogus, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "owner on a community image", Who.Owner, ImageKind.Community, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "admin on a community image", Who.Admin, ImageKind.Community, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "stranger on a community image", Who.Stranger, ImageKind.Community, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "bogus member on a community image", Who.Owner, ImageKind.Community, Bogus, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },

        // shared image with no owner: any non-admin -> 403 rule 7; admin -> 204, or 404 for a non-member
        { "no owner: member deletes itself", Who.Member, ImageKind.SharedNoOwner, MemberProject, 403, MemberDeleteRule.NotImageOwner, NotAllowed, null },
        { "no owner: stranger deletes a member", Who.Stranger, ImageKind.SharedNoOwner, MemberProject, 403, MemberDeleteRule.NotImageOwner, NotAllowed, null },
        { "no owner: stranger deletes a bogus id", Who.Stranger, ImageKind.SharedNoOwner, Bogus, 403, MemberDeleteRule.NotImageOwner, NotAllowed, null },
        { "no owner: former owner's project deletes a member", Who.Owner, ImageKind.SharedNoOwner, MemberProject, 403, MemberDeleteRule.NotImageOwner, NotAllowed, null },
        { "no owner: admin deletes a member", Who.Admin, ImageKind.SharedNoOwner, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "no owner: admin deletes a non-member", Who.Admin, ImageKind.SharedNoOwner, Bogus, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },
        { "no owner: system admin deletes a member", Who.SystemAdmin, ImageKind.SharedNoOwner, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },

        // a shared image with members later made private: owner and admin -> 403 rule 6; member and stranger -> 404 rule 5
        { "private: owner", Who.Owner, ImageKind.Private, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "private: admin", Who.Admin, ImageKind.Private, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "private: system admin", Who.SystemAdmin, ImageKind.Private, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "private: member", Who.Member, ImageKind.Private, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "private: stranger", Who.Stranger, ImageKind.Private, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },

        // a deleted image -> 404 for everyone, admin included
        { "deleted: admin", Who.Admin, ImageKind.Deleted, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "deleted: system admin", Who.SystemAdmin, ImageKind.Deleted, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "deleted: owner", Who.Owner, ImageKind.Deleted, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "deleted: member", Who.Member, ImageKind.Deleted, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "deleted: stranger", Who.Stranger, ImageKind.Deleted, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },

        // deactivated, protected or hidden images follow the same rules
        { "deactivated: owner", Who.Owner, ImageKind.Deactivated, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "protected: owner", Who.Owner, ImageKind.Protected, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "hidden: owner", Who.Owner, ImageKind.Hidden, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "deactivated: member", Who.Member, ImageKind.Deactivated, MemberProject, 403, MemberDeleteRule.NotImageOwner, NotAllowed, null },
        { "hidden: stranger", Who.Stranger, ImageKind.Hidden, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },

        // a system-scoped admin token (no project) behaves as admin
        { "system admin deletes a member", Who.SystemAdmin, ImageKind.Shared, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "system admin deletes a bogus id", Who.SystemAdmin, ImageKind.Shared, Bogus, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },
        { "system admin on a public image", Who.SystemAdmin, ImageKind.Public, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
    };

    /// <summary>Section 5: what Glance 25 answered with secure RBAC on.</summary>
    public static TheoryData<string, Who, ImageKind, string, int, MemberDeleteRule, string?, string?> SecureRows => new()
    {
        // owner and admin: unchanged
        { "owner deletes a pending member", Who.Owner, ImageKind.Shared, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "owner deletes a rejected member", Who.Owner, ImageKind.Shared, RejectedProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "admin deletes an accepted member", Who.Admin, ImageKind.Shared, OtherMember, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "owner deletes a bogus id", Who.Owner, ImageKind.Shared, Bogus, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },
        { "admin deletes a bogus id", Who.Admin, ImageKind.Shared, Bogus, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },
        { "owner deletes a member id in upper case", Who.Owner, ImageKind.Shared, MemberProject.ToUpperInvariant(), 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },

        // rule 7 is not applied; a member deleting its own membership -> 403 delete_member policy
        { "member deletes its own membership", Who.Member, ImageKind.Shared, MemberProject, 403, MemberDeleteRule.PolicyRefused, DeleteMemberRefused, DeleteMember },
        { "rejected member deletes its own membership", Who.RejectedMember, ImageKind.Shared, RejectedProject, 403, MemberDeleteRule.PolicyRefused, DeleteMemberRefused, DeleteMember },

        // another member, or a bogus id -> 404 rule 8 (a non-admin sees only its own membership)
        { "member deletes another member", Who.Member, ImageKind.Shared, OtherMember, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },
        { "member deletes a bogus id", Who.Member, ImageKind.Shared, Bogus, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },

        // stranger on a shared image -> 404 rule 5 (unchanged)
        { "stranger deletes a member", Who.Stranger, ImageKind.Shared, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "stranger deletes a bogus id", Who.Stranger, ImageKind.Shared, Bogus, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },

        // shared image with no owner: non-admin non-member -> 404 rule 8; the member itself -> 403 policy
        { "no owner: stranger deletes a member", Who.Stranger, ImageKind.SharedNoOwner, MemberProject, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },
        { "no owner: stranger deletes a bogus id", Who.Stranger, ImageKind.SharedNoOwner, Bogus, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },
        { "no owner: member deletes its own membership", Who.Member, ImageKind.SharedNoOwner, MemberProject, 403, MemberDeleteRule.PolicyRefused, DeleteMemberRefused, DeleteMember },
        { "no owner: member deletes another member", Who.Member, ImageKind.SharedNoOwner, OtherMember, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },
        { "no owner: admin deletes a member", Who.Admin, ImageKind.SharedNoOwner, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "no owner: admin deletes a non-member", Who.Admin, ImageKind.SharedNoOwner, Bogus, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },

        // a reader-only user of the owning project -> 403 policy (legacy: 204)
        { "reader-only user of the owning project deletes a member", Who.OwnerReader, ImageKind.Shared, MemberProject, 403, MemberDeleteRule.PolicyRefused, DeleteMemberRefused, DeleteMember },
        { "reader-only user of the owning project deletes a bogus id", Who.OwnerReader, ImageKind.Shared, Bogus, 404, MemberDeleteRule.MemberNotFound, MemberNotFound, null },

        // a system-scoped admin token -> bare 404 (get_image fails its scope check)
        { "system admin deletes a member", Who.SystemAdmin, ImageKind.Shared, MemberProject, 404, MemberDeleteRule.PolicyRefused, ResourceNotFound, GetImage },
        { "system admin deletes a bogus id", Who.SystemAdmin, ImageKind.Shared, Bogus, 404, MemberDeleteRule.PolicyRefused, ResourceNotFound, GetImage },
        { "no owner: system admin deletes a member", Who.SystemAdmin, ImageKind.SharedNoOwner, MemberProject, 404, MemberDeleteRule.PolicyRefused, ResourceNotFound, GetImage },

        // everything else as in section 1: rules 5, 6 (admin on a non-shared image still 403) and 9
        { "owner on a public image", Who.Owner, ImageKind.Public, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "admin on a public image", Who.Admin, ImageKind.Public, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "system admin on a public image", Who.SystemAdmin, ImageKind.Public, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "stranger on a community image", Who.Stranger, ImageKind.Community, Bogus, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "admin on a community image", Who.Admin, ImageKind.Community, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "private: owner", Who.Owner, ImageKind.Private, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "private: admin", Who.Admin, ImageKind.Private, MemberProject, 403, MemberDeleteRule.ImageNotShared, NotAllowed, null },
        { "private: member", Who.Member, ImageKind.Private, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "private: stranger", Who.Stranger, ImageKind.Private, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "deleted: admin", Who.Admin, ImageKind.Deleted, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "deleted: system admin", Who.SystemAdmin, ImageKind.Deleted, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "deleted: owner", Who.Owner, ImageKind.Deleted, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null },
        { "deactivated: owner", Who.Owner, ImageKind.Deactivated, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "protected: owner", Who.Owner, ImageKind.Protected, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "hidden: owner", Who.Owner, ImageKind.Hidden, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember },
        { "hidden: member deletes its own membership", Who.Member, ImageKind.Hidden, MemberProject, 403, MemberDeleteRule.PolicyRefused, DeleteMemberRefused, DeleteMember },
    };

    [Theory]
    [MemberData(nameof(LegacyRows))]
    public void Decide_LegacyConsequence_MatchesGlance(
        string name, Who who, ImageKind kind, string memberId, int status, MemberDeleteRule rule, string? explanation, string? policyRule) =>
        AssertRow(Legacy, name, who, kind, memberId, status, rule, explanation, policyRule);

    [Theory]
    [MemberData(nameof(SecureRows))]
    public void Decide_SecureConsequence_MatchesGlance(
        string name, Who who, ImageKind kind, string memberId, int status, MemberDeleteRule rule, string? explanation, string? policyRule) =>
        AssertRow(Secure, name, who, kind, memberId, status, rule, explanation, policyRule);

    [Theory]
    [InlineData("legacy", Who.Owner)]
    [InlineData("legacy", Who.Admin)]
    [InlineData("legacy", Who.SystemAdmin)]
    [InlineData("secure", Who.Owner)]
    [InlineData("secure", Who.Admin)]
    public void Decide_SameDeleteAgain_IsMemberNotFound(string mode, Who who)
    {
        var rules = mode == "legacy" ? Legacy : Secure;
        var image = TestImages.Of(ImageKind.Shared);
        var members = MemberList.ToList();

        var first = MembershipProbe.Decide(image, members, who, OtherMember, rules);
        members.Remove(OtherMember);
        var second = MembershipProbe.Decide(image, members, who, OtherMember, rules);

        Assert.Equal(204, first.StatusCode);
        Assert.Equal((MemberDeleteRule.MemberNotFound, 404), (second.Rule, second.StatusCode));
        Assert.Equal($"{OtherMember} not found in the member list of the image {ImageId}.", second.Explanation);
    }

    // The gateway reads one member row (MembershipToRead); the store may read both. Every row of
    // both tables, and every caller/image/member combination, decides the same either way.
    [Theory]
    [InlineData("legacy")]
    [InlineData("secure")]
    public void Decide_ProbedFacts_DecideAsTheFullMemberList(string mode)
    {
        var rules = mode == "legacy" ? Legacy : Secure;
        string[] memberIds = [MemberProject, OtherMember, RejectedProject, Bogus, OwnerProject, StrangerProject, AdminProject, MemberProject.ToUpperInvariant()];
        var compared = 0;
        foreach (var who in Enum.GetValues<Who>())
        {
            foreach (var kind in Enum.GetValues<ImageKind>())
            {
                foreach (var memberId in memberIds)
                {
                    var image = TestImages.Of(kind);
                    var caller = Identities.For(who);
                    var probed = MemberDeletePolicy.Decide(image, MembershipProbe.Facts(image, MemberList, caller, memberId, rules), caller, ImageId, memberId, rules);
                    var full = MemberDeletePolicy.Decide(image, MembershipProbe.FullFacts(MemberList, caller, memberId), caller, ImageId, memberId, rules);
                    Assert.True(probed == full, $"{mode} {who} {kind} {memberId}: probed {probed}, full {full}");
                    compared++;
                }
            }
        }

        Assert.Equal(7 * 9 * 8, compared);
    }

    [Theory]
    [InlineData(Who.Admin, MemberProject, MemberProject)]
    [InlineData(Who.SystemAdmin, Bogus, Bogus)]
    [InlineData(Who.Owner, OtherMember, OtherMember)]
    [InlineData(Who.OwnerReader, OtherMember, OtherMember)]
    [InlineData(Who.Member, OtherMember, MemberProject)]
    [InlineData(Who.Stranger, MemberProject, StrangerProject)]
    public void MembershipToRead_SharedImage_IsTheRowTheDecisionReads(Who who, string memberId, string expected)
    {
        var caller = Identities.For(who);

        var probe = MemberDeletePolicy.MembershipToRead(Legacy.IsAdmin(caller), caller.ProjectId, ImageVisibility.Shared, OwnerProject, memberId);

        Assert.Equal(expected, probe);
    }

    [Theory]
    [InlineData(ImageVisibility.Public)]
    [InlineData(ImageVisibility.Community)]
    [InlineData(ImageVisibility.Private)]
    public void MembershipToRead_NotShared_ReadsNoRow(string visibility)
    {
        Assert.Null(MemberDeletePolicy.MembershipToRead(isAdmin: false, MemberProject, visibility, OwnerProject, MemberProject));
    }

    // Glance's _image_member_find filters on Image.owner == context.owner, which SQLAlchemy writes
    // as IS NULL when both are None: a caller with no project reads the rows of an image with no
    // owner (observed on Glance 25: 204 in the legacy mode).
    [Fact]
    public void MembershipToRead_SystemScopedNonAdminOnNoOwnerImage_ReadsTheUrlMembersRow()
    {
        Assert.Equal(MemberProject, MemberDeletePolicy.MembershipToRead(isAdmin: false, project: null, ImageVisibility.Shared, owner: null, MemberProject));
    }

    [Fact]
    public void Decide_SystemScopedNonAdminOnNoOwnerImage_LegacyRemovesTheMember()
    {
        var caller = new PolicyCredentials("system-user", null, ["member", "reader"], systemScope: "all");
        var image = new ImageFacts("img", ImageVisibility.Shared, Owner: null);

        var decision = MemberDeletePolicy.Decide(image, new MembershipFacts(false, MemberExists: true), caller, "img", MemberProject, PolicyRules.Defaults(PolicyMode.Legacy));

        Assert.Equal(MemberDeleteRule.Allowed, decision.Rule);
    }

    // With an operator's file the same code paths run with the operator's rules (section 5).
    [Theory]
    [InlineData("legacy", "delete_member: 'role:admin'", Who.Owner, MemberProject, 403, MemberDeleteRule.PolicyRefused, DeleteMemberRefused, DeleteMember)]
    [InlineData("legacy", "get_member: '!'", Who.Owner, MemberProject, 403, MemberDeleteRule.PolicyRefused, GetMemberRefused, GetMember)]
    [InlineData("legacy", "get_image: '!'", Who.Admin, MemberProject, 404, MemberDeleteRule.PolicyRefused, ResourceNotFound, GetImage)]
    [InlineData("legacy", "get_image: '!'", Who.Owner, Bogus, 404, MemberDeleteRule.PolicyRefused, ResourceNotFound, GetImage)]
    [InlineData("legacy", "get_image: '!'", Who.Member, MemberProject, 403, MemberDeleteRule.NotImageOwner, NotAllowed, null)]
    [InlineData("legacy", "context_is_admin: 'role:cloud_admin'", Who.Admin, MemberProject, 404, MemberDeleteRule.ImageNotFound, ImageNotFound, null)]
    [InlineData("legacy", "context_is_admin: 'role:reader'", Who.Member, OtherMember, 204, MemberDeleteRule.Allowed, null, DeleteMember)]
    [InlineData("legacy", "default: 'role:admin'", Who.OwnerReader, MemberProject, 403, MemberDeleteRule.PolicyRefused, DeleteMemberRefused, DeleteMember)]
    [InlineData("legacy", "default: 'role:admin'", Who.Owner, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember)]
    [InlineData("legacy", "delete_member: 'rule:no_such_rule'", Who.Owner, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember)]
    [InlineData("legacy", "delete_member: 'role:member and ('", Who.Owner, MemberProject, 403, MemberDeleteRule.PolicyRefused, DeleteMemberRefused, DeleteMember)]
    [InlineData("secure", "delete_member: ''", Who.Member, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember)]
    [InlineData("secure", "delete_member: 'rule:default'", Who.OwnerReader, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember)]
    [InlineData("secure", "delete_member: 'role:member and project_id:%(member_id)s'", Who.Member, MemberProject, 204, MemberDeleteRule.Allowed, null, DeleteMember)]
    [InlineData("secure", "delete_member: 'role:member and project_id:%(member_id)s'", Who.Owner, MemberProject, 403, MemberDeleteRule.PolicyRefused, DeleteMemberRefused, DeleteMember)]
    [InlineData("secure", "get_member: 'role:admin or project_id:%(project_id)s'", Who.Member, MemberProject, 403, MemberDeleteRule.PolicyRefused, GetMemberRefused, GetMember)]
    [InlineData("secure", "get_image: '@'", Who.SystemAdmin, MemberProject, 404, MemberDeleteRule.PolicyRefused, ResourceNotFound, GetImage)]
    public void Decide_OperatorFile_RunsTheSamePathsWithItsRules(
        string mode, string file, Who who, string memberId, int status, MemberDeleteRule rule, string? explanation, string? policyRule)
    {
        var rules = PolicyRules.Build(mode == "legacy" ? PolicyMode.Legacy : PolicyMode.Secure, PolicyFile.Parse(file), "policy.yaml");
        var decision = MembershipProbe.Decide(TestImages.Of(ImageKind.Shared), MemberList, who, memberId, rules);

        Assert.Equal((rule, status, Expand(explanation, memberId), policyRule), (decision.Rule, decision.StatusCode, decision.Explanation, decision.PolicyRule));
    }

    [Theory]
    [InlineData("ADMIN")]
    [InlineData("Admin")]
    [InlineData(" admin ")]
    public void IsAdmin_AdminRoleInAnyCase_IsAdmin(string role)
    {
        Assert.True(Legacy.IsAdmin(new PolicyCredentials("u", StrangerProject, ["reader", role])));
    }

    [Fact]
    public void IsAdmin_OtherRolesOnly_IsNotAdmin()
    {
        Assert.False(Legacy.IsAdmin(new PolicyCredentials("u", StrangerProject, ["member", "reader", "administrator", "admin_"])));
    }

    [Theory]
    [InlineData(ImageId, ImageId, "active", false)]
    [InlineData(ImageId, null, null, true)]
    [InlineData(ImageId, ImageId, "deleted", true)]
    [InlineData("5E8AD6DC-83FC-4F45-8DB3-06690A73A2C7", ImageId, "active", true)]
    [InlineData("5e8ad6dc-83fc-4f45-8db3-06690a73a2c7x", ImageId, "active", true)]
    [InlineData("not-a-uuid", ImageId, "active", true)]
    public void IsLookupMiss_RequestedAndStoredId_MatchesOnlyExactLiveIds(string requested, string? stored, string? status, bool miss)
    {
        Assert.Equal(miss, ImageVisibility.IsLookupMiss(requested, stored, status));
    }

    [Theory]
    [InlineData("GET", "", false, MemberDeleteRule.BlankImageId, 405)]
    [InlineData("DELETE", "", false, MemberDeleteRule.BlankImageId, 405)]
    [InlineData("POST", ImageId, false, MemberDeleteRule.MethodNotAllowed, 405)]
    [InlineData("PATCH", ImageId, false, MemberDeleteRule.MethodNotAllowed, 405)]
    [InlineData("OPTIONS", ImageId, false, MemberDeleteRule.MethodNotAllowed, 405)]
    [InlineData("HEAD", ImageId, false, MemberDeleteRule.MethodNotAllowed, 405)]
    [InlineData("DELETE", ImageId, true, MemberDeleteRule.BodyNotExpected, 400)]
    public void CheckShape_BadShape_IsDecidedBeforeAnyRead(string method, string imageId, bool hasBody, MemberDeleteRule rule, int status)
    {
        var decision = MemberDeletePolicy.CheckShape(method, imageId, hasBody);

        Assert.NotNull(decision);
        Assert.Equal((rule, status), (decision.Rule, decision.StatusCode));
    }

    [Theory]
    [InlineData("GET", false)]
    [InlineData("PUT", true)]
    [InlineData("DELETE", false)]
    public void CheckShape_RoutedMethod_GoesOn(string method, bool hasBody)
    {
        Assert.Null(MemberDeletePolicy.CheckShape(method, ImageId, hasBody));
    }

    [Fact]
    public void CheckShape_MethodNotAllowed_KeepsWebobTrailingSpace()
    {
        Assert.Equal("The method POST is not allowed for this resource. ", MemberDeletePolicy.CheckShape("POST", ImageId, false)?.Explanation);
    }

    [Fact]
    public void CheckShape_BodyOnDelete_UsesGlanceText()
    {
        Assert.Equal("A body is not expected with this request.", MemberDeletePolicy.CheckShape("DELETE", ImageId, true)?.Explanation);
    }

    private static void AssertRow(
        PolicyRules rules, string name, Who who, ImageKind kind, string memberId, int status, MemberDeleteRule rule, string? explanation, string? policyRule)
    {
        var decision = MembershipProbe.Decide(TestImages.Of(kind), MemberList, who, memberId, rules);

        var expected = (rule, status, Expand(explanation, memberId), policyRule, status == 204);
        var actual = (decision.Rule, decision.StatusCode, decision.Explanation, decision.PolicyRule, decision.IsAllowed);
        Assert.True(expected == actual, $"{rules.Mode}: {name}: expected {expected}, got {actual}");
    }

    private static string? Expand(string? explanation, string memberId) =>
        explanation?.Replace("{image}", ImageId, StringComparison.Ordinal).Replace("{member}", memberId, StringComparison.Ordinal);
}
