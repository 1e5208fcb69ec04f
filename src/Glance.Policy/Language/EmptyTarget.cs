namespace Glance.Policy.Language;

/// <summary>A target with no keys.</summary>
public sealed class EmptyTarget : IPolicyTarget
{
    /// <summary>The one instance.</summary>
    public static EmptyTarget Instance { get; } = new();

    /// <inheritdoc />
    public bool TryGetValue(string key, out string value)
    {
        value = string.Empty;
        return false;
    }
}
