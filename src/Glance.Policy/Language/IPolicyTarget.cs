namespace Glance.Policy.Language;

/// <summary>
/// The object of the request, as oslo.policy's <c>%(key)s</c> substitutions see it: each value
/// as Python's <c>str()</c> prints it (<c>None</c>, <c>True</c>, <c>False</c>, numbers in decimal).
/// A key the target does not have makes the check that names it fail (Python's KeyError).
/// </summary>
public interface IPolicyTarget
{
    /// <summary>The value of <paramref name="key"/>, or false when the target has no such key.</summary>
    bool TryGetValue(string key, out string value);
}
