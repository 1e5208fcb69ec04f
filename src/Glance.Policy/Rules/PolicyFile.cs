using System.Text.Json;
using Glance.Policy.Language;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Glance.Policy.Rules;

/// <summary>
/// An operator's <c>policy.yaml</c> or <c>policy.json</c>, read as oslo.policy's
/// <c>parse_file_contents</c> reads it: JSON first, then YAML; a mapping of rule name to check
/// string (or the old list-of-lists form); an empty file is no rules. A value YAML reads as null,
/// false or empty is <c>@</c> (oslo.policy's <c>if not rule</c>). Rule-level problems are the
/// parser's to report; only a file that cannot be read as a mapping throws. Reads YAML's node
/// model only (no reflection), so it stays trim- and AOT-safe.
/// </summary>
public static class PolicyFile
{
    /// <summary>Parses the file's text into rules, in file order.</summary>
    /// <exception cref="PolicyFileException">Neither JSON nor YAML, or not a mapping.</exception>
    public static IReadOnlyList<KeyValuePair<string, ParsedRule>> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            using var json = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false });
            return FromJson(json.RootElement);
        }
        catch (JsonException)
        {
            return FromYaml(text);
        }
    }

    private static List<KeyValuePair<string, ParsedRule>> FromJson(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFileException($"the file is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not a mapping of rule names to check strings");
        }

        var rules = new Dictionary<string, ParsedRule>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var property in root.EnumerateObject())
        {
            if (!rules.ContainsKey(property.Name))
            {
                order.Add(property.Name);
            }

            rules[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => PolicyParser.Parse(property.Value.GetString()!),
                JsonValueKind.Array => PolicyParser.ParseList(JsonList(property.Name, property.Value)),
                JsonValueKind.Null or JsonValueKind.False => PolicyParser.Parse(string.Empty),
                _ => Refused(property.Value.ToString()),
            };
        }

        return order.Select(name => KeyValuePair.Create(name, rules[name])).ToList();
    }

    private static List<IReadOnlyList<string>> JsonList(string name, JsonElement array)
    {
        var outer = new List<IReadOnlyList<string>>();
        foreach (var inner in array.EnumerateArray())
        {
            outer.Add(inner.ValueKind switch
            {
                JsonValueKind.String => [inner.GetString()!],
                JsonValueKind.Array => inner.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
                    ? e.GetString()!
                    : throw new PolicyFileException($"rule '{name}': the list form holds only strings")).ToList(),
                _ => throw new PolicyFileException($"rule '{name}': the list form holds only strings and lists of strings"),
            });
        }

        return outer;
    }

    private static List<KeyValuePair<string, ParsedRule>> FromYaml(string text)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new PolicyFileException($"neither JSON nor YAML: {ex.Message} (line {ex.Start.Line}, column {ex.Start.Column})", ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's parser reports some malformed flow collections this way.
            throw new PolicyFileException($"neither JSON nor YAML: {ex.Message}", ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return [];
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            throw new PolicyFileException("the file is not a mapping of rule names to check strings");
        }

        var rules = new Dictionary<string, ParsedRule>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name })
            {
                throw new PolicyFileException($"line {keyNode.Start.Line}: a rule name must be a plain string");
            }

            if (!rules.ContainsKey(name))
            {
                order.Add(name);
            }

            rules[name] = valueNode switch
            {
                YamlScalarNode scalar when IsNullOrFalse(scalar) => PolicyParser.Parse(string.Empty),
                YamlScalarNode { Value: { } value } => PolicyParser.Parse(value),
                YamlSequenceNode sequence => PolicyParser.ParseList(YamlList(name, sequence)),
                _ => throw new PolicyFileException($"line {valueNode.Start.Line}: rule '{name}' must be a check string"),
            };
        }

        return order.Select(name => KeyValuePair.Create(name, rules[name])).ToList();
    }

    // YAML 1.1 (PyYAML's safe_load) reads an empty value, ~, null and false/no/off as falsy.
    private static bool IsNullOrFalse(YamlScalarNode scalar) =>
        scalar.Style is ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL"
            or "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF";

    private static List<IReadOnlyList<string>> YamlList(string name, YamlSequenceNode sequence)
    {
        var outer = new List<IReadOnlyList<string>>();
        foreach (var inner in sequence.Children)
        {
            outer.Add(inner switch
            {
                YamlScalarNode { Value: { } value } => [value],
                YamlSequenceNode list => list.Children.Select(e => e is YamlScalarNode { Value: { } v }
                    ? v
                    : throw new PolicyFileException($"rule '{name}': the list form holds only strings")).ToList(),
                _ => throw new PolicyFileException($"rule '{name}': the list form holds only strings and lists of strings"),
            });
        }

        return outer;
    }

    private static ParsedRule Refused(string value) =>
        new(FalseCheck.Instance, [new PolicyParseError(1, $"'{value}' is not a check string", DeniesRule: true)], "!");
}
