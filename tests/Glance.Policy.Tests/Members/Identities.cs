using Glance.Policy.Language;

namespace Glance.Policy.Tests.Members;

/// <summary>Projects, member ids and the credentials of every <see cref="Who"/>.</summary>
internal static class Identities
{
    public const string ImageId = "5e8ad6dc-83fc-4f45-8db3-06690a73a2c7";
    public const string OwnerProject = "0wner000000000000000000000000001";
    public const string MemberProject = "member00000000000000000000000002";
    public const string OtherMember = "member00000000000000000000000003";
    public const string RejectedProject = "reject00000000000000000000000004";
    public const string StrangerProject = "strang00000000000000000000000005";
    public const string AdminProject = "admin000000000000000000000000006";
    public const string Bogus = "bogus000000000000000000000000007";

    /// <summary>The member list of the test image: pending, accepted and rejected (status never decides).</summary>
    public static IReadOnlyList<string> MemberList { get; } = [MemberProject, OtherMember, RejectedProject];

    /// <summary>
    /// Credentials as the gateway builds them from a Keystone token. Keystone's default roles imply
    /// admin → member → reader, so an admin token carries all three.
    /// </summary>
    public static PolicyCredentials For(Who who) => who switch
    {
        Who.Admin => new PolicyCredentials("u-admin", AdminProject, ["admin", "member", "reader"]),
        Who.Owner => new PolicyCredentials("u-owner", OwnerProject, ["member", "reader"]),
        Who.Member => new PolicyCredentials("u-member", MemberProject, ["member", "reader"]),
        Who.RejectedMember => new PolicyCredentials("u-rejected", RejectedProject, ["member", "reader"]),
        Who.Stranger => new PolicyCredentials("u-stranger", StrangerProject, ["member", "reader"]),
        Who.OwnerReader => new PolicyCredentials("u-reader", OwnerProject, ["reader"]),
        Who.SystemAdmin => new PolicyCredentials("u-sysadmin", projectId: null, ["admin", "member", "reader"], systemScope: "all"),
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };
}
