using System.Text.Json;
using System.Text.RegularExpressions;
using Glance.Policy.Operations;

namespace Glance.ImageStore.Tasks;

/// <summary>
/// The body of <c>POST /v2/tasks</c> as Glance 25.1's tasks.py <c>RequestDeserializer.create</c>
/// reads it (after the access policy and the JSON body): <c>'type'</c> then <c>'input'</c>
/// required (<c>Task '%s' is required</c>), then the task schema (<see cref="TaskSchemaText"/>) with
/// jsonschema's message for the error it picks (<c>best_match</c>: a property the schema does not
/// name first, being the shallowest; else a property whose value is not of its type; else the
/// first property in the schema's order that fails, its enum or pattern before its type). Either the task's type and input, or the 400's message.
/// </summary>
internal sealed record TaskCreateRequest(string Type, JsonElement Input)
{
    private const string SchemaPrefix = "Provided object does not match schema 'task': ";

    // jsonschema prints the schema and the instance with pprint.pformat(width=72).
    private const int PrintWidth = 72;

    /// <summary>The request, or Glance's 400 explanation.</summary>
    public static (TaskCreateRequest? Request, string? Error) Read(JsonElement body)
    {
        // _validate_create_body: "param not in body" (a list holds neither key).
        foreach (var required in (ReadOnlySpan<string>)["type", "input"])
        {
            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(required, out _))
            {
                return (null, $"Task '{required}' is required");
            }
        }

        if (SchemaError(body) is { } error)
        {
            return (null, error);
        }

        return (new TaskCreateRequest(body.GetProperty("type").GetString()!, body.GetProperty("input").Clone()), null);
    }

    // self.schema.validate(body), as InvalidObject words it.
    private static string? SchemaError(JsonElement body)
    {
        var known = TaskSchemaText.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var extra = body.EnumerateObject().Select(p => p.Name).Where(name => !known.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (extra.Count > 0)
        {
            var unexpected = string.Join(", ", extra.Select(PyRepr.Of)) + (extra.Count == 1 ? " was" : " were");
            return SchemaPrefix + $"Additional properties are not allowed ({unexpected} unexpected)\n\n"
                + "Failed validating 'additionalProperties' in schema:\n    " + TaskSchemaText.Printed
                + "\n\nOn instance:\n    " + Indent(Pformat(body));
        }

        // Each failing property's first error (its enum or pattern before its type); best_match then
        // prefers an error whose value is not of the property's type (relevance's "not
        // _matches_type"), else the first in the schema's order.
        var errors = new List<(TaskSchemaText.Property Property, JsonElement Value, string Keyword, string Message)>();
        foreach (var property in TaskSchemaText.Properties)
        {
            if (!body.TryGetProperty(property.Name, out var value))
            {
                continue;
            }

            (string? Keyword, string? Message) error = property switch
            {
                { Enum: { } values } when value.ValueKind != JsonValueKind.String || !values.Contains(value.GetString()!) =>
                    ("enum", $"{PyRepr.Of(value)} is not one of [{string.Join(", ", values.Select(PyRepr.Of))}]"),
                { Pattern: { } pattern } when value.ValueKind == JsonValueKind.String && !Regex.IsMatch(value.GetString()!, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)) =>
                    ("pattern", $"{PyRepr.Of(value)} does not match {PyRepr.Of(pattern)}"),
                _ when !HasType(value, property.Types) => ("type", $"{PyRepr.Of(value)} is not of type {property.Types}"),
                _ => (null, null),
            };
            if (error.Keyword is { } keyword)
            {
                errors.Add((property, value, keyword, error.Message!));
            }
        }

        if (errors.Count == 0)
        {
            return null;
        }

        var best = errors.FirstOrDefault(e => !HasType(e.Value, e.Property.Types), errors[0]);
        return SchemaPrefix + best.Message + $"\n\nFailed validating '{best.Keyword}' in schema['properties']['{best.Property.Name}']:\n    "
            + best.Property.Printed + $"\n\nOn instance['{best.Property.Name}']:\n    " + Indent(Pformat(best.Value));
    }

    private static bool HasType(JsonElement value, string types) => value.ValueKind switch
    {
        JsonValueKind.String => types.Contains("'string'", StringComparison.Ordinal),
        JsonValueKind.Null => types.Contains("'null'", StringComparison.Ordinal),
        JsonValueKind.Object => types.Contains("'object'", StringComparison.Ordinal),
        _ => false,
    };

    // pprint.pformat(value, width=72): one line when it fits, else a dict's or list's items one per
    // line (the items themselves are not wrapped further here), dict keys sorted.
    private static string Pformat(JsonElement value)
    {
        var line = Sorted(value);
        if (line.Length <= PrintWidth)
        {
            return line;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Object => "{" + string.Join(",\n ", value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => PyRepr.Of(p.Name) + ": " + Sorted(p.Value))) + "}",
            JsonValueKind.Array => "[" + string.Join(",\n ", value.EnumerateArray().Select(Sorted)) + "]",
            _ => line,
        };
    }

    // repr with every dict's keys sorted, as pprint writes them.
    private static string Sorted(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(", ", value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => PyRepr.Of(p.Name) + ": " + Sorted(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(", ", value.EnumerateArray().Select(Sorted)) + "]",
        _ => PyRepr.Of(value),
    };

    private static string Indent(string text) => text.Replace("\n", "\n    ", StringComparison.Ordinal);
}
