namespace Glance.Policy.Language;

/// <summary>A target made of fixed keys and values (already rendered as Python's <c>str()</c>).</summary>
public sealed class DictionaryTarget(IReadOnlyDictionary<string, string> values) : IPolicyTarget
{
    private readonly IReadOnlyDictionary<string, string> _values = values ?? throw new ArgumentNullException(nameof(values));

    /// <inheritdoc />
    public bool TryGetValue(string key, out string value)
    {
        if (_values.TryGetValue(key, out var found))
        {
            value = found;
            return true;
        }

        value = string.Empty;
        return false;
    }
}
