using System.Text.Json;
using Glance.Policy.Operations;

namespace Glance.ImageStore.Tasks;

/// <summary>
/// The body of <c>POST /v2/tasks</c> as Glance 25's tasks.py <c>RequestDeserializer.create</c>
/// reads it (after the access policy and the JSON body): <c>'type'</c> then <c>'input'</c>
/// required (<c>Task '%s' is required</c>), then the task schema: no property it does not name,
/// the <c>type</c> enum and the <c>input</c> type, with jsonschema's message. Either the task's type and input, or the 400's message.
/// </summary>
internal sealed record TaskCreateRequest(string Type, JsonElement Input)
{
    private const string SchemaPrefix = "Provided object does not match schema 'task': ";

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

        // self.schema.validate(body): jsonschema's best match, the shallowest error first (an
        // unexpected property), then the schema's properties in order (type before input).
        if (Unexpected(body) is { } unexpected)
        {
            return (null, unexpected);
        }

        var type = body.GetProperty("type");
        if (type.ValueKind != JsonValueKind.String || type.GetString() is not ("import" or TaskStatus.ApiImageImport))
        {
            return (null, SchemaPrefix + PyRepr.Of(type) + " is not one of ['import', 'api_image_import']\n\n"
                + "Failed validating 'enum' in schema['properties']['type']:\n"
                + "    {'description': 'The type of task represented by this content',\n"
                + "     'enum': ['import', 'api_image_import'],\n"
                + "     'type': 'string'}\n\n"
                + "On instance['type']:\n    " + PyRepr.Of(type));
        }

        var input = body.GetProperty("input");
        if (input.ValueKind is not (JsonValueKind.Null or JsonValueKind.Object))
        {
            return (null, SchemaPrefix + PyRepr.Of(input) + " is not of type 'null', 'object'\n\n"
                + "Failed validating 'type' in schema['properties']['input']:\n"
                + "    {'description': 'The parameters required by task, JSON blob',\n"
                + "     'type': ['null', 'object']}\n\n"
                + "On instance['input']:\n    " + PyRepr.Of(input));
        }

        return (new TaskCreateRequest(type.GetString()!, input.Clone()), null);
    }

    // The task schema's other properties: a body may name them (their values are dropped).
    private static readonly HashSet<string> SchemaProperties = new(StringComparer.Ordinal)
    {
        "id", "type", "status", "input", "result", "owner", "message", "image_id", "request_id", "user_id", "expires_at",
        "created_at", "updated_at", "self", "schema",
    };

    // additionalProperties false: jsonschema's first line (its dump of the schema and the instance follows in Glance's).
    private static string? Unexpected(JsonElement body)
    {
        var extra = body.EnumerateObject().Select(p => p.Name).Where(name => !SchemaProperties.Contains(name)).ToList();
        return extra.Count switch
        {
            0 => null,
            1 => SchemaPrefix + $"Additional properties are not allowed ({PyRepr.Of(extra[0])} was unexpected)",
            _ => SchemaPrefix + $"Additional properties are not allowed ({string.Join(", ", extra.Select(PyRepr.Of))} were unexpected)",
        };
    }
}
