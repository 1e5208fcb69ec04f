namespace Glance.Gateway.EndToEnd.Tests.Support;

/// <summary>Fresh tokens issued by the real Keystone for the identities of CONFORMANCE.md.</summary>
public sealed class RealTokens
{
    private RealTokens(string admin, string owner, string member, string stranger, string systemAdmin)
    {
        Admin = admin;
        Owner = owner;
        Member = member;
        Stranger = stranger;
        SystemAdmin = systemAdmin;
    }

    /// <summary>admin on project admin (roles admin, member, reader).</summary>
    public string Admin { get; }

    /// <summary>owner-user on project owner.</summary>
    public string Owner { get; }

    /// <summary>member-user on project member.</summary>
    public string Member { get; }

    /// <summary>stranger-user on project stranger.</summary>
    public string Stranger { get; }

    /// <summary>admin, system-scoped (no project).</summary>
    public string SystemAdmin { get; }

    /// <summary>Issues one token per identity.</summary>
    public static async Task<RealTokens> IssueAsync(KeystoneServer keystone)
    {
        ArgumentNullException.ThrowIfNull(keystone);
        return new RealTokens(
            await keystone.IssueTokenAsync(keystone.Admin),
            await keystone.IssueTokenAsync(keystone.Owner),
            await keystone.IssueTokenAsync(keystone.Member),
            await keystone.IssueTokenAsync(keystone.Stranger),
            await keystone.IssueSystemTokenAsync());
    }

    /// <summary>The token of a named identity.</summary>
    public string For(string who) => who switch
    {
        "admin" => Admin,
        "owner" => Owner,
        "member" => Member,
        "stranger" => Stranger,
        "system-admin" => SystemAdmin,
        _ => throw new ArgumentOutOfRangeException(nameof(who), who, null),
    };
}
