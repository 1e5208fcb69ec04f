namespace Glance.Policy.Tests.Members;

/// <summary>The images of CONFORMANCE.md section 1's consequences; all but <see cref="Deleted"/> carry <see cref="Identities.MemberList"/>.</summary>
public enum ImageKind
{
    /// <summary>Shared, owned by <see cref="Identities.OwnerProject"/>.</summary>
    Shared,

    /// <summary>Shared, with no owner.</summary>
    SharedNoOwner,

    /// <summary>Public (its old member rows remain).</summary>
    Public,

    /// <summary>Community (its old member rows remain).</summary>
    Community,

    /// <summary>A shared image with members that was later made private.</summary>
    Private,

    /// <summary>Deleted (or missing): the lookup gives no image.</summary>
    Deleted,

    /// <summary>Shared and deactivated.</summary>
    Deactivated,

    /// <summary>Shared and protected.</summary>
    Protected,

    /// <summary>Shared and hidden (<c>os_hidden</c>).</summary>
    Hidden,
}
