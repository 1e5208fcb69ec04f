using Glance.Policy.Members;

namespace Glance.Policy.Tests.Members;

/// <summary>The <see cref="ImageFacts"/> of each <see cref="ImageKind"/>.</summary>
internal static class TestImages
{
    public static ImageFacts? Of(ImageKind kind) => kind switch
    {
        ImageKind.Shared => new(Identities.ImageId, ImageVisibility.Shared, Identities.OwnerProject),
        ImageKind.SharedNoOwner => new(Identities.ImageId, ImageVisibility.Shared, null),
        ImageKind.Public => new(Identities.ImageId, ImageVisibility.Public, Identities.OwnerProject),
        ImageKind.Community => new(Identities.ImageId, ImageVisibility.Community, Identities.OwnerProject),
        ImageKind.Private => new(Identities.ImageId, ImageVisibility.Private, Identities.OwnerProject),
        ImageKind.Deleted => null,
        ImageKind.Deactivated => new(Identities.ImageId, ImageVisibility.Shared, Identities.OwnerProject) { Status = "deactivated" },
        ImageKind.Protected => new(Identities.ImageId, ImageVisibility.Shared, Identities.OwnerProject) { Protected = true },
        ImageKind.Hidden => new(Identities.ImageId, ImageVisibility.Shared, Identities.OwnerProject) { OsHidden = true },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
