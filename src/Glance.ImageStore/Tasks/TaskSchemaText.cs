namespace Glance.ImageStore.Tasks;

/// <summary>
/// The task schema of Glance 25.1 (tasks.py <c>_TASK_SCHEMA</c>, <c>additionalProperties</c> false) as its
/// jsonschema messages print it (<c>pprint</c> of the schema and of each property's): the
/// properties in the schema's order, each with the JSON types it takes, its enum or pattern and
/// its printed schema. Generated from Glance's own <c>get_task_schema()</c>.
/// </summary>
internal static class TaskSchemaText
{
    /// <summary>One property: its types as jsonschema names them, its enum or pattern, and its schema as printed.</summary>
    public sealed record Property(string Name, string Types, IReadOnlyList<string>? Enum, string? Pattern, string Printed);

    /// <summary>The whole schema as printed under <c>Failed validating 'additionalProperties' in schema:</c>.</summary>
    public const string Printed =
        "{'additionalProperties': False,\n     'name': 'task',\n     'properties': {'created_at': {'description': 'Datetime when this '\n                                                  'resource was created',\n                                   'type': 'string'},\n                    'expires_at': {'description': 'Datetime when this '\n                                                  'resource would be '\n                                                  'subject to removal',\n                                   'type': ['null', 'string']},\n                    'id': {'description': 'An identifier for the task',\n                           'pattern': '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',\n                           'type': 'string'},\n                    'image_id': {'description': 'Image associated with the '\n                                                'task',\n                                 'type': 'string'},\n                    'input': {'description': 'The parameters required by '\n                                             'task, JSON blob',\n                              'type': ['null', 'object']},\n                    'message': {'description': 'Human-readable informative '\n                                               'message only included when '\n                                               'appropriate (usually on '\n                                               'failure)',\n                                'type': 'string'},\n                    'owner': {'description': 'An identifier for the owner '\n                                             'of this task',\n                              'type': 'string'},\n                    'request_id': {'description': 'Human-readable '\n                                                  'informative request-id',\n                                   'type': 'string'},\n                    'result': {'description': 'The result of current task, '\n                                              'JSON blob',\n                               'type': ['null', 'object']},\n                    'schema': {'readOnly': True, 'type': 'string'},\n                    'self': {'readOnly': True, 'type': 'string'},\n                    'status': {'description': 'The current status of this '\n                                              'task',\n                               'enum': ['pending',\n                                        'processing',\n                                        'success',\n                                        'failure'],\n                               'type': 'string'},\n                    'type': {'description': 'The type of task represented '\n                                            'by this content',\n                             'enum': ['import', 'api_image_import'],\n                             'type': 'string'},\n                    'updated_at': {'description': 'Datetime when this '\n                                                  'resource was updated',\n                                   'type': 'string'},\n                    'user_id': {'description': 'User associated with the '\n                                               'task',\n                                'type': 'string'}}}";

    /// <summary>The properties, in the schema's order (the order jsonschema checks them in).</summary>
    public static readonly IReadOnlyList<Property> Properties =
    [
        new("id", "'string'", null, "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$", "{'description': 'An identifier for the task',\n     'pattern': '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',\n     'type': 'string'}"),
        new("type", "'string'", ["import", "api_image_import"], null, "{'description': 'The type of task represented by this content',\n     'enum': ['import', 'api_image_import'],\n     'type': 'string'}"),
        new("status", "'string'", ["pending", "processing", "success", "failure"], null, "{'description': 'The current status of this task',\n     'enum': ['pending', 'processing', 'success', 'failure'],\n     'type': 'string'}"),
        new("input", "'null', 'object'", null, null, "{'description': 'The parameters required by task, JSON blob',\n     'type': ['null', 'object']}"),
        new("result", "'null', 'object'", null, null, "{'description': 'The result of current task, JSON blob',\n     'type': ['null', 'object']}"),
        new("owner", "'string'", null, null, "{'description': 'An identifier for the owner of this task',\n     'type': 'string'}"),
        new("message", "'string'", null, null, "{'description': 'Human-readable informative message only included when '\n                    'appropriate (usually on failure)',\n     'type': 'string'}"),
        new("image_id", "'string'", null, null, "{'description': 'Image associated with the task', 'type': 'string'}"),
        new("request_id", "'string'", null, null, "{'description': 'Human-readable informative request-id',\n     'type': 'string'}"),
        new("user_id", "'string'", null, null, "{'description': 'User associated with the task', 'type': 'string'}"),
        new("expires_at", "'null', 'string'", null, null, "{'description': 'Datetime when this resource would be subject to '\n                    'removal',\n     'type': ['null', 'string']}"),
        new("created_at", "'string'", null, null, "{'description': 'Datetime when this resource was created',\n     'type': 'string'}"),
        new("updated_at", "'string'", null, null, "{'description': 'Datetime when this resource was updated',\n     'type': 'string'}"),
        new("self", "'string'", null, null, "{'readOnly': True, 'type': 'string'}"),
        new("schema", "'string'", null, null, "{'readOnly': True, 'type': 'string'}"),
    ];
}
