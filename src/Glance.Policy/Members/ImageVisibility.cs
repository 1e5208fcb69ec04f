namespace Glance.Policy.Members;

/// <summary>Glance's four image visibilities, as they appear on the wire.</summary>
public static class ImageVisibility
{
    public const string Public = "public";
    public const string Community = "community";
    public const string Shared = "shared";
    public const string Private = "private";

    /// <summary>The accepted values, in Glance's schema order.</summary>
    public static IReadOnlyList<string> All { get; } = [Public, Community, Shared, Private];

    /// <summary>True for one of the four values (exact, lower-case).</summary>
    public static bool IsValid(string? value) => value is Public or Community or Shared or Private;
}
