namespace Glance.Policy.Tests.Members;

/// <summary>The callers of CONFORMANCE.md sections 1 and 5 (see <see cref="Identities"/>).</summary>
public enum Who
{
    /// <summary>Role admin in a project of its own (Keystone's implied roles: admin, member, reader).</summary>
    Admin,

    /// <summary>The image owner's project, roles member and reader.</summary>
    Owner,

    /// <summary>A project in the image's member list (pending), roles member and reader.</summary>
    Member,

    /// <summary>A project in the image's member list with a rejected membership.</summary>
    RejectedMember,

    /// <summary>A project neither owner nor member, roles member and reader.</summary>
    Stranger,

    /// <summary>A user of the owning project with the reader role only.</summary>
    OwnerReader,

    /// <summary>A system-scoped admin token: system scope <c>all</c>, no project.</summary>
    SystemAdmin,
}
