using Glance.Policy.Language;
using Glance.Policy.Rules;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's tasks API (glance/api/v2/tasks.py) up to and through its one rule:
/// <c>tasks_api_access</c> on an empty target, checked first (for create and index in the request
/// deserializer, before the body or the query is read); its refusal is 403 naming it. The task
/// itself (404, visibility, the 405 of delete) is the backend's. And <c>GET
/// /v2/images/{id}/tasks</c> (images.py <c>get_task_info</c>): the lookup and <c>get_image</c>,
/// either refusal a bare 404.
/// </summary>
public static class TaskOperations
{
    /// <summary>POST and GET /v2/tasks, GET and DELETE /v2/tasks/{id}: <c>TasksAPIPolicy.tasks_api_access</c>.</summary>
    public static Refusal? Access(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Caller.IsAllowed(PolicyRuleNames.TasksApiAccess, EmptyTarget.Instance) ? null : Refusal.NotAuthorized(PolicyRuleNames.TasksApiAccess);
    }

    /// <summary>GET /v2/images/{id}/tasks: the lookup, then <c>get_image</c>; a miss or a refusal is webob's bare 404.</summary>
    public static Refusal? GetTaskInfo(EdgeInput input) =>
        ImageOperations.Lookup(input) is { } image
            ? ImagePolicy.For(input.Caller, image).GetImage()
            : Refusal.ResourceNotFound with { Reason = "ImageNotFound" };
}
