namespace Glance.Policy.Language;

/// <summary>Python's <c>str()</c> of the values policy checks compare.</summary>
public static class PythonText
{
    /// <summary><c>str(None)</c>.</summary>
    public const string None = "None";

    /// <summary><c>str(value)</c> for a string that may be None.</summary>
    public static string Of(string? value) => value ?? None;

    /// <summary><c>str(value)</c> for a bool.</summary>
    public static string Of(bool value) => value ? "True" : "False";

    /// <summary><c>str(value)</c> for an integer that may be None.</summary>
    public static string Of(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? None;
}
