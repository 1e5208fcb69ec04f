using System.Globalization;
using System.Text;
using System.Text.Json;
using Glance.ImageStore.Identity;
using Glance.ImageStore.Images;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Glance.Policy.Language;
using Glance.Policy.Rules;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Tasks;

/// <summary>
/// The tasks import creates, as Glance 25 shows them: <c>GET /v2/tasks</c> and
/// <c>GET /v2/tasks/{task_id}</c> (tasks.py, behind <c>tasks_api_access</c>: admin only by
/// default; a caller who is not admin sees its own project's tasks), <c>DELETE /v2/tasks/{id}</c>
/// (always Glance's 405), <c>GET /v2/images/{image_id}/tasks</c> (images.py
/// <c>get_task_info</c>: anyone who may see the image, the database rows as they are) and the two
/// task schemas; and <c>POST /v2/tasks</c> (the deprecated task API: <c>import</c> tasks, run by
/// <see cref="LegacyTaskRunner"/>).
/// </summary>
internal sealed class TasksEndpoints(
    TaskRepository tasks, ImagesEndpoints imageLookup, LegacyTaskRunner runner, TimeProvider time, IOptions<ImageStoreOptions> options)
{
    private readonly long _maxJsonBytes = options.Value.MaxJsonBodyBytes;

    private const int DefaultLimit = 25;
    private const int MaxLimit = 1000;

    private const string DeleteExplanation =
        "This operation is currently not permitted on Glance Tasks. They are auto deleted after reaching the time based on their expires_at property.";

    private static readonly byte[] TaskSchema = Encoding.UTF8.GetBytes(TaskSchemas.Task);
    private static readonly byte[] TasksSchema = Encoding.UTF8.GetBytes(TaskSchemas.Tasks);

    public Task CollectionAsync(HttpContext context) => Resource.Method(context) switch
    {
        "GET" => ListAsync(context),
        "POST" => CreateAsync(context),
        _ => Resource.MethodNotAllowedAsync(context, "GET, POST"),
    };

    public Task TaskAsync(HttpContext context)
    {
        var taskId = Resource.Id(context, "task_id");
        return Resource.Method(context) switch
        {
            "GET" => ShowAsync(context, taskId),
            "DELETE" => DeleteAsync(context),
            _ => Resource.MethodNotAllowedAsync(context, "GET, DELETE"),
        };
    }

    public Task ImageTasksAsync(HttpContext context) =>
        Resource.Method(context) == "GET" ? ImageTasksGetAsync(context, Resource.Id(context, "image_id")) : Resource.MethodNotAllowedAsync(context, "GET");

    public static Task TaskSchemaAsync(HttpContext context) => SchemaAsync(context, TaskSchema);

    public static Task TasksSchemaAsync(HttpContext context) => SchemaAsync(context, TasksSchema);

    // _enforce_access_policy: TasksAPIPolicy(context, {}).tasks_api_access(), as the edge decides it.
    private static Refusal? Access(Caller caller) => TaskOperations.Access(new EdgeInput(caller, string.Empty, null));

    private async Task ShowAsync(HttpContext context, string taskId)
    {
        var caller = context.GetCaller().Caller;
        if (Access(caller) is { } refusal)
        {
            await refusal.WriteAsync(context);
            return;
        }

        var task = await tasks.FindAsync(taskId, context.RequestAborted);
        if (task is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 404, $"Could not find task {taskId}");
            return;
        }

        // _task_get: a task is visible to an admin, to its owner, and to anyone when it has none.
        if (!caller.IsAdmin && task.Owner is not null && task.Owner != caller.ProjectId)
        {
            await GlanceErrorWriter.WriteAsync(context, 403, $"Forbidding request, task {taskId} is not visible");
            return;
        }

        await JsonResponse.WriteAsync(context, 200, writer => TaskJson.WriteTask(writer, task));
    }

    // TasksController.delete: the access policy, then always 405 with a body template of its own.
    private static async Task DeleteAsync(HttpContext context)
    {
        if (Access(context.GetCaller().Caller) is { } refusal)
        {
            await refusal.WriteAsync(context);
            return;
        }

        var response = context.Response;
        response.StatusCode = 405;
        response.Headers.Allow = "GET";
        var (type, body) = AcceptNegotiation.Choose(context.Request.Headers.Accept.ToString()) switch
        {
            GlanceErrorFormat.Html => (GlanceErrorBody.HtmlContentType,
                "<html>\n <head>\n  <title>405 Method Not Allowed</title>\n </head>\n <body>\n  <h1>405 Method Not Allowed</h1>\n  "
                + DeleteExplanation + "\n </body>\n</html>"),
            GlanceErrorFormat.Json => ("application/json",
                "{\"message\": \"" + DeleteExplanation + "\", \"code\": \"405 Method Not Allowed\", \"title\": \"Method Not Allowed\"}"),
            _ => ("text/plain; charset=UTF-8", "405 Method Not Allowed\n\n" + DeleteExplanation),
        };
        response.ContentType = type;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            response.ContentLength = 0;
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    // TasksController.create behind RequestDeserializer.create: the access policy, the JSON body,
    // 'type' and 'input' and the schema (TaskCreateRequest); for an import task its import_from
    // (LegacyImportUri); then the task, pending, answered 201 with its Location, and run after the answer.
    private async Task CreateAsync(HttpContext context)
    {
        var caller = context.GetCaller().Caller;
        if (Access(caller) is { } refusal)
        {
            await refusal.WriteAsync(context);
            return;
        }

        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        var (request, error) = TaskCreateRequest.Read(body.RootElement);
        if (request is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 400, error!);
            return;
        }

        if (request.Type == "import")
        {
            var (outcome, message) = await LegacyImportUri.ValidateAsync(runner.Filter, request.Input, context.RequestAborted);
            if (outcome != LegacyImportUri.Outcome.Valid)
            {
                await GlanceErrorWriter.WriteAsync(context, outcome == LegacyImportUri.Outcome.Refused ? 400 : 500,
                    outcome == LegacyImportUri.Outcome.Refused ? message : GlanceErrorWriter.InternalError);
                return;
            }
        }

        // new_task(image_id=task['input'].get('image_id')): a null input has no get (500).
        if (request.Input.ValueKind != JsonValueKind.Object)
        {
            await GlanceErrorWriter.WriteAsync(context, 500, GlanceErrorWriter.InternalError);
            return;
        }

        var now = TaskTime.Store(time.GetUtcNow());
        var task = new TaskRecord
        {
            Id = Guid.NewGuid().ToString("D"),
            Type = request.Type,
            Owner = caller.ProjectId,
            ImageId = request.Input.TryGetProperty("image_id", out var imageId) && imageId.ValueKind != JsonValueKind.Null
                ? imageId.ValueKind == JsonValueKind.String ? imageId.GetString() : imageId.GetRawText()
                : null,
            RequestId = context.TraceIdentifier,
            UserId = caller.Credentials.UserId,
            Input = Compact(request.Input),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await tasks.InsertAsync(task, context.RequestAborted);
        runner.Enqueue(task.Id);
        context.Response.Headers.Location = ImagesEndpoints.AbsoluteLocation(context.Request, "/v2/tasks/" + task.Id);
        await JsonResponse.WriteAsync(context, 201, writer => TaskJson.WriteTask(writer, task));
    }

    private static string Compact(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task ListAsync(HttpContext context)
    {
        var caller = context.GetCaller().Caller;
        if (Access(caller) is { } refusal)
        {
            await refusal.WriteAsync(context);
            return;
        }

        // RequestDeserializer.index, in its order: sort_dir, the status and type filters, marker, limit.
        var query = context.Request.Query;
        var sortDir = Single(query, "sort_dir") ?? "desc";
        if (sortDir is not ("asc" or "desc"))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, $"Invalid sort direction: {sortDir}");
            return;
        }

        var status = Single(query, "status");
        if (!string.IsNullOrEmpty(status) && status is not (TaskStatus.Pending or TaskStatus.Processing or TaskStatus.Success or TaskStatus.Failure))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, $"Invalid status value: {status}");
            return;
        }

        var type = Single(query, "type");
        if (!string.IsNullOrEmpty(type) && type != "import")
        {
            await GlanceErrorWriter.WriteAsync(context, 400, $"Invalid type value: {type}");
            return;
        }

        var marker = Single(query, "marker");
        if (marker is not null && marker.Length > 0 && !Guid.TryParse(marker, out _))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, "Invalid marker format");
            return;
        }

        var limit = DefaultLimit;
        if (Single(query, "limit") is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
            {
                await GlanceErrorWriter.WriteAsync(context, 400, "limit param must be an integer");
                return;
            }

            if (limit < 0)
            {
                await GlanceErrorWriter.WriteAsync(context, 400, "limit param must be positive");
                return;
            }
        }

        limit = Math.Min(limit, MaxLimit);
        var sortKey = Single(query, "sort_key") ?? "created_at";
        if (!TaskListQuery.Columns.Contains(sortKey))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, "Sort key supplied was not valid.");
            return;
        }

        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            if (key is not ("limit" or "marker" or "sort_key" or "sort_dir") && TaskListQuery.Columns.Contains(key) && values.Count > 0 && values[^1] is { Length: > 0 } value)
            {
                filters[key] = value;
            }
        }

        var page = await tasks.ListAsync(new TaskListQuery(filters, sortKey, sortDir, string.IsNullOrEmpty(marker) ? null : marker, limit),
            caller.ProjectId, caller.IsAdmin, context.RequestAborted);
        if (page is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 400, $"Task with the given id {marker} was not found");
            return;
        }

        var rest = string.Join('&', query.Where(p => p.Key != "marker")
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value.Count > 0 ? p.Value[^1] ?? string.Empty : string.Empty)));
        await JsonResponse.WriteAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("tasks");
            foreach (var task in page)
            {
                TaskJson.WriteStub(writer, task);
            }

            writer.WriteEndArray();
            writer.WriteString("first", rest.Length == 0 ? "/v2/tasks" : "/v2/tasks?" + rest);
            writer.WriteString("schema", "/v2/schemas/tasks");
            if (page.Count > 0 && page.Count == limit)
            {
                var next = "marker=" + Uri.EscapeDataString(page[^1].Id);
                writer.WriteString("next", "/v2/tasks?" + (rest.Length == 0 ? next : rest + "&" + next));
            }

            writer.WriteEndObject();
        });
    }

    // ImagesController.get_task_info: the image (any refusal a bare 404), then its tasks the
    // caller may see (an admin all, anyone else its own project's), as the database rows.
    private async Task ImageTasksGetAsync(HttpContext context, string imageId)
    {
        var caller = context.GetCaller().Caller;
        var (image, input) = await imageLookup.LookupAsync(context, imageId, caller);
        if (TaskOperations.GetTaskInfo(input) is { } refusal)
        {
            await refusal.WriteAsync(context);
            return;
        }

        var rows = await tasks.ForImageAsync(image!.Id, caller.ProjectId, caller.IsAdmin, context.RequestAborted);
        await JsonResponse.WriteAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("tasks");
            foreach (var task in rows)
            {
                TaskJson.WriteRow(writer, task);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static async Task SchemaAsync(HttpContext context, byte[] body)
    {
        if (Resource.Method(context) != "GET")
        {
            await Resource.MethodNotAllowedAsync(context, "GET");
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;
}
