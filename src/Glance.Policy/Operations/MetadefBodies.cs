using System.Text.Json;
using Glance.Policy.Errors;

namespace Glance.Policy.Operations;

/// <summary>
/// What the metadef deserializers (glance/api/v2/metadef_*.py <c>RequestDeserializer</c>) check of
/// a parsed JSON body before a controller runs, in their order: a body that is not a JSON object
/// (the metadef schemas do not say <c>"type": "object"</c>, so an array passes them and breaks
/// WSME's <c>fromjson</c>: a 500), a read-only attribute (403 <c>Attribute 'X' is read-only.</c>),
/// the JSON schema (400 <c>Provided object does not match schema 'X': ...</c>, the first problem
/// found, without jsonschema's trailing report), then WSME's conversion (a property definition it
/// cannot convert: a 500). The gateway and the hosted store check with the same functions.
/// </summary>
public static class MetadefBodies
{
    /// <summary>The read-only attributes of a property, a tag, a tag list and a resource type association.</summary>
    private static readonly string[] TimeAttributes = ["created_at", "updated_at"];

    private static readonly string[] NamespaceReadOnly = ["self", "schema", "created_at", "updated_at"];

    private static readonly string[] NamespaceAttributes =
    [
        "namespace", "display_name", "description", "visibility", "protected", "owner", "created_at", "updated_at", "schema", "self",
        "resource_type_associations", "properties", "objects", "tags",
    ];

    private static readonly string[] ObjectAttributes = ["name", "description", "required", "properties", "schema", "self", "created_at", "updated_at"];

    private static readonly string[] PropertyAttributes =
    [
        "name", "type", "title", "description", "operators", "default", "readonly", "minimum", "maximum", "enum", "pattern",
        "minLength", "maxLength", "items", "uniqueItems", "minItems", "maxItems", "additionalItems", "required",
    ];

    private static readonly string[] AssociationAttributes = ["name", "prefix", "properties_target", "created_at", "updated_at"];

    private static Refusal InternalError => new(500, GlanceErrorWriter.InternalError, Reason: "InternalError");

    /// <summary>A namespace's body (<c>NamespaceController</c> create and update): schema <c>namespace</c>.</summary>
    public static Refusal? Namespace(JsonElement root) =>
        Check(root, NamespaceReadOnly, "namespace", CheckNamespaceSchema, body =>
            (body.TryGetProperty("properties", out var properties) && ConversionFails(properties))
            || (body.TryGetProperty("objects", out var objects) && objects.EnumerateArray().Any(o => o.TryGetProperty("properties", out var p) && ConversionFails(p))));

    /// <summary>
    /// An object's body (<c>MetadefObjectsController</c> update): schema <c>object</c>. With
    /// <paramref name="create"/>, each of its property definitions is then validated against the
    /// property schema too (<c>RequestDeserializer.create</c> only): an attribute the object schema
    /// lets through is a 400 of schema <c>property</c> there, and WSME's 500 on update.
    /// </summary>
    public static Refusal? MetadefObject(JsonElement root, bool create) =>
        Check(root, NamespaceReadOnly, "object", CheckObjectSchema, body => body.TryGetProperty("properties", out var properties) && ConversionFails(properties), create ? CheckObjectDefinitions : null);

    /// <summary>A property's body (<c>NamespacePropertiesController</c> create and update): schema <c>property</c>.</summary>
    public static Refusal? Property(JsonElement root) =>
        Check(root, TimeAttributes, "property", CheckPropertySchema, body => PropertyTypeJson.Problem(body) is not null);

    /// <summary>A tag's body (<c>TagsController.update</c>): schema <c>tag</c>.</summary>
    public static Refusal? Tag(JsonElement root) => Check(root, TimeAttributes, "tag", CheckTagSchema, null);

    /// <summary>A tag list's body (<c>TagsController.create_tags</c>): schema <c>tags</c>.</summary>
    public static Refusal? Tags(JsonElement root) => Check(root, TimeAttributes, "tags", CheckTagListSchema, null);

    /// <summary>A resource type association's body (<c>ResourceTypeController.create</c>): schema <c>resource_type_association</c>.</summary>
    public static Refusal? ResourceTypeAssociation(JsonElement root) => Check(root, TimeAttributes, "resource_type_association", CheckAssociationSchema, null);

    /// <summary>
    /// <c>TagsController.create</c>'s check of the path's tag name (<c>{'name': tag_name}</c>
    /// against the tag schema, after the namespace lookup and before the rule): longer than 80
    /// characters is a 400.
    /// </summary>
    public static Refusal? TagName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return CodePoints(name) > 80 ? SchemaRefusal("tag", $"'{name}' is too long") : null;
    }

    /// <summary>
    /// A schema refusal: the first line of Glance's words. Glance follows it with jsonschema's
    /// report (the schema fragment and the instance, as Python writes them), which neither the
    /// edge nor the store writes: the edge leaves the answer to the backend (<see cref="Refusal.WordedByBackend"/>).
    /// </summary>
    public static Refusal SchemaRefusal(string schema, string problem) =>
        new(400, $"Provided object does not match schema '{schema}': {problem}", Reason: "InvalidBody") { WordedByBackend = true };

    /// <summary>
    /// A deserializer's checks in Glance's order: not an object (500), the 403 of a read-only
    /// attribute, the first problem <paramref name="checkSchema"/> finds as
    /// <paramref name="schema"/>'s 400, then the 500 when <paramref name="breaksConversion"/> says
    /// WSME would fail. Null when they pass.
    /// </summary>
    private static Refusal? Check(
        JsonElement root, string[] readOnly, string schema, Func<JsonElement, string?> checkSchema, Func<JsonElement, bool>? breaksConversion, Func<JsonElement, Refusal?>? thenCheck = null)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return InternalError;
        }

        if (CheckReadOnly(root, readOnly) is { } readOnlyRefusal)
        {
            return readOnlyRefusal;
        }

        if (checkSchema(root) is { } problem)
        {
            return SchemaRefusal(schema, problem);
        }

        if (thenCheck?.Invoke(root) is { } then)
        {
            return then;
        }

        return breaksConversion is not null && breaksConversion(root) ? InternalError : null;
    }

    private static Refusal? CheckReadOnly(JsonElement body, string[] readOnly)
    {
        foreach (var key in readOnly)
        {
            if (body.TryGetProperty(key, out _))
            {
                return new Refusal(403, $"Attribute '{key}' is read-only.", Reason: "ReadOnlyAttribute");
            }
        }

        return null;
    }

    private static string? CheckNamespaceSchema(JsonElement root)
    {
        var problem = CheckAdditional(root, NamespaceAttributes)
            ?? CheckString(root, "namespace", 80, required: true)
            ?? CheckString(root, "display_name", 80)
            ?? CheckString(root, "description", 500)
            ?? CheckString(root, "owner", 255)
            ?? CheckBoolean(root, "protected");
        if (problem is not null)
        {
            return problem;
        }

        if (root.TryGetProperty("visibility", out var visibility) && visibility.GetRawText() is not ("\"public\"" or "\"private\""))
        {
            return $"{visibility.GetRawText().Replace('"', '\'')} is not one of ['public', 'private']";
        }

        if (root.TryGetProperty("properties", out var properties) && CheckProperties(properties) is { } propertyProblem)
        {
            return propertyProblem;
        }

        foreach (var (list, required) in (ReadOnlySpan<(string, string)>)[("resource_type_associations", "name"), ("objects", "name"), ("tags", "name")])
        {
            if (!root.TryGetProperty(list, out var items))
            {
                continue;
            }

            if (items.ValueKind != JsonValueKind.Array)
            {
                return $"{Repr(items)} is not of type 'array'";
            }

            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    return $"{Repr(item)} is not of type 'object'";
                }

                // WSME's mandatory name (json.fromjson): Glance answers it with a 400 too.
                if (CheckString(item, required, null, required: true) is { } itemProblem)
                {
                    return itemProblem;
                }

                if (list == "objects")
                {
                    if (item.TryGetProperty("properties", out var objectProperties) && CheckProperties(objectProperties) is { } objectProblem)
                    {
                        return objectProblem;
                    }

                    if (item.TryGetProperty("required", out var requiredNames) && requiredNames.ValueKind != JsonValueKind.Array)
                    {
                        return $"{Repr(requiredNames)} is not of type 'array'";
                    }
                }
            }
        }

        return null;
    }

    private static string? CheckObjectSchema(JsonElement root)
    {
        if ((CheckAdditional(root, ObjectAttributes) ?? CheckString(root, "name", 80, required: true) ?? CheckString(root, "description", null)) is { } problem)
        {
            return problem;
        }

        if (root.TryGetProperty("required", out var required)
            && (required.ValueKind != JsonValueKind.Array || required.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String)))
        {
            return $"{Repr(required)} is not of type 'array'";
        }

        return root.TryGetProperty("properties", out var properties) ? CheckProperties(properties) : null;
    }

    // The object create's second validation: each definition against the property schema (no name required).
    private static Refusal? CheckObjectDefinitions(JsonElement root)
    {
        if (!root.TryGetProperty("properties", out var definitions) || definitions.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var definition in definitions.EnumerateObject())
        {
            if ((CheckAdditional(definition.Value, PropertyAttributes) ?? CheckProperty(definition.Value)) is { } problem)
            {
                return SchemaRefusal("property", problem);
            }
        }

        return null;
    }

    private static string? CheckPropertySchema(JsonElement root) =>
        !root.TryGetProperty("name", out _)
            ? "'name' is a required property"
            : CheckAdditional(root, PropertyAttributes) ?? CheckProperty(root);

    private static string? CheckTagSchema(JsonElement root) =>
        CheckAdditional(root, ["name", "created_at", "updated_at"]) ?? CheckString(root, "name", 80, required: true);

    private static string? CheckTagListSchema(JsonElement root)
    {
        if (!root.TryGetProperty("tags", out var tags))
        {
            return null;
        }

        if (tags.ValueKind != JsonValueKind.Array)
        {
            return $"{Repr(tags)} is not of type 'array'";
        }

        // The items' schema says required before additionalProperties: jsonschema reports in that order.
        foreach (var tag in tags.EnumerateArray())
        {
            if (tag.ValueKind != JsonValueKind.Object)
            {
                return $"{Repr(tag)} is not of type 'object'";
            }

            if ((CheckString(tag, "name", null, required: true) ?? CheckAdditional(tag, ["name"])) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? CheckAssociationSchema(JsonElement root) =>
        CheckAdditional(root, AssociationAttributes)
            ?? CheckString(root, "name", 80, required: true)
            ?? CheckString(root, "prefix", 80)
            ?? CheckString(root, "properties_target", 80);

    // The schema's additionalProperties: false: the first attribute not allowed, as jsonschema words it.
    private static string? CheckAdditional(JsonElement body, string[] allowed)
    {
        var unexpected = body.EnumerateObject().Select(m => m.Name).Where(n => Array.IndexOf(allowed, n) < 0).ToList();
        return unexpected.Count == 0 ? null
            : unexpected.Count == 1 ? $"Additional properties are not allowed ('{unexpected[0]}' was unexpected)"
            : $"Additional properties are not allowed ({string.Join(", ", unexpected.Select(u => $"'{u}'"))} were unexpected)";
    }

    // A string attribute of the schema: type and maximum length.
    private static string? CheckString(JsonElement body, string name, int? maxLength, bool required = false)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            return required ? $"'{name}' is a required property" : null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return $"{Repr(value)} is not of type 'string'";
        }

        return maxLength is { } max && CodePoints(value.GetString()!) > max ? $"{Repr(value)} is too long" : null;
    }

    private static string? CheckBoolean(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
            ? $"{Repr(value)} is not of type 'boolean'"
            : null;

    // A map of property definitions (#/definitions/property).
    private static string? CheckProperties(JsonElement properties)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            return $"{Repr(properties)} is not of type 'object'";
        }

        foreach (var property in properties.EnumerateObject())
        {
            if (CheckProperty(property.Value) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    // One property definition: an object with title and type, the schema's types.
    private static string? CheckProperty(JsonElement property)
    {
        if (property.ValueKind != JsonValueKind.Object)
        {
            return $"{Repr(property)} is not of type 'object'";
        }

        foreach (var required in (ReadOnlySpan<string>)["title", "type"])
        {
            if (!property.TryGetProperty(required, out _))
            {
                return $"'{required}' is a required property";
            }
        }

        if (property.TryGetProperty("type", out var type)
            && (type.ValueKind != JsonValueKind.Null && (type.ValueKind != JsonValueKind.String || type.GetString() is not ("array" or "boolean" or "integer" or "number" or "object" or "string"))))
        {
            return $"{Repr(type)} is not one of ['array', 'boolean', 'integer', 'number', 'object', 'string', None]";
        }

        foreach (var name in (ReadOnlySpan<string>)["title", "description", "pattern"])
        {
            if (CheckString(property, name, null) is { } problem)
            {
                return problem;
            }
        }

        if (CheckString(property, "name", 80) is { } nameProblem)
        {
            return nameProblem;
        }

        foreach (var name in (ReadOnlySpan<string>)["readonly", "uniqueItems", "additionalItems"])
        {
            if (CheckBoolean(property, name) is { } problem)
            {
                return problem;
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["minimum", "maximum"])
        {
            if (property.TryGetProperty(name, out var number) && number.ValueKind != JsonValueKind.Number)
            {
                return $"{Repr(number)} is not of type 'number'";
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["maxLength", "minLength", "maxItems", "minItems"])
        {
            if (property.TryGetProperty(name, out var number))
            {
                if (number.ValueKind != JsonValueKind.Number || !number.TryGetInt64(out var integer))
                {
                    return $"{Repr(number)} is not of type 'integer'";
                }

                if (integer < 0)
                {
                    return $"{integer} is less than the minimum of 0";
                }
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["enum", "operators"])
        {
            if (property.TryGetProperty(name, out var list) && list.ValueKind != JsonValueKind.Array)
            {
                return $"{Repr(list)} is not of type 'array'";
            }
        }

        return null;
    }

    // WSME's fromjson after the schema passed: a definition it cannot convert raises outside any
    // handler in Glance, a 500.
    private static bool ConversionFails(JsonElement properties) =>
        properties.ValueKind == JsonValueKind.Object && properties.EnumerateObject().Any(p => PropertyTypeJson.Problem(p.Value) is not null);

    private static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    // A short Python-like repr of a JSON value for the schema messages.
    private static string Repr(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "'" + value.GetString() + "'",
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        _ => value.GetRawText(),
    };
}
