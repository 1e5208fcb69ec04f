using System.Text.Encodings.Web;
using System.Text.Json;
using Glance.ImageStore.Identity;
using Glance.ImageStore.Images;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.ImageStore.Tasks;
using Glance.Policy.Errors;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Import;

/// <summary>
/// <c>POST /v2/images/{image_id}/import</c> (Glance's <c>ImagesController.import_image</c> with one
/// store): the body checks, the image's state, <c>modify_image</c>, the import lock
/// (<c>os_glance_import_task</c>, taken over from a task idle for an hour), the URI filter of
/// web-download; then a <c>pending</c> task, the lock, 202 and the run in the background
/// (<see cref="ImportTaskRunner"/>). <c>stores</c> and <c>all_stores</c> are ignored, as Glance
/// ignores them without <c>enabled_backends</c>.
/// </summary>
internal sealed partial class ImportEndpoints(
    ImagesEndpoints imageLookup, ImageImportRepository images, TaskRepository tasks, ImportTaskRunner runner, TimeProvider time,
    IOptions<ImageStoreOptions> options, ILogger<ImportEndpoints> logger)
{
    private static readonly TimeSpan LockExpiry = TimeSpan.FromMinutes(60);
    private readonly long _maxJsonBytes = options.Value.MaxJsonBodyBytes;
    private readonly string[] _methods = options.Value.Import.MethodList();
    private readonly ImportUriFilter _filter = new(options.Value.Import.Filtering);
    private readonly TimeSpan _timeToLive = TimeSpan.FromHours(options.Value.Import.TaskTimeToLiveHours);

    public Task ImportAsync(HttpContext context) =>
        Resource.Method(context) == "POST" ? PostAsync(context, Resource.Id(context, "image_id")) : Resource.MethodNotAllowedAsync(context, "POST");

    private async Task PostAsync(HttpContext context, string imageId)
    {
        using var body = await JsonBody.ReadAsync(context, _maxJsonBytes);
        if (body is null)
        {
            return;
        }

        // import_image up to and through its rule, as the edge decides it: the body, the image,
        // its state for the method, then copy_image or modify_image.
        var caller = context.GetCaller().Caller;
        var (found, input) = await imageLookup.LookupAsync(context, imageId, caller);
        var refusal = ImportOperations.Import(input with { Body = body.RootElement }, _methods);
        if (refusal is not null)
        {
            var method = ImportOperations.MethodOf(body.RootElement) ?? "-";
            Log.Refused(logger, context.TraceIdentifier, imageId, method, refusal.StatusCode, refusal.Explanation);
            await refusal.WriteAsync(context);
            return;
        }

        var request = ImportRequest.Parse(body.RootElement, _methods).Request!;
        var image = found!;
        if (refusal is null && ImageProperties.Get(image, ImageProperties.ImportTask) is { } holder)
        {
            refusal = await EnforceLockAsync(image, holder);
        }

        if (refusal is null && !request.AllStoresMustSucceed)
        {
            refusal = new(400, $"All_stores_must_succeed can only be set with enabled_backends {ImportRequest.PyStr(request.Uri)}");
        }

        if (refusal is null && request.Url.ValueKind == JsonValueKind.String && Uri.TryCreate(request.Url.GetString(), UriKind.Absolute, out var url)
            && url.Scheme is "http" or "https" && (await _filter.ValidateAsync(request.Url.GetString(), context.RequestAborted)).Address is null)
        {
            refusal = new(400, $"URI for add location does not pass filtering: {request.Url.GetString()}");
        }

        if (refusal is null && request.Method == "web-download")
        {
            if (request.Uri.ValueKind is not (JsonValueKind.String or JsonValueKind.Undefined or JsonValueKind.Null))
            {
                refusal = new(500, GlanceErrorWriter.InternalError); // urlparse of a number or a mapping: TypeError
            }
            else if ((await _filter.ValidateAsync(request.Uri.ValueKind == JsonValueKind.String ? request.Uri.GetString() : null, context.RequestAborted)).Address is null)
            {
                refusal = new(400, $"URI for web-download does not pass filtering: {ImportRequest.PyStr(request.Uri)}");
            }
        }

        if (refusal is not null)
        {
            Log.Refused(logger, context.TraceIdentifier, image.Id, request.Method, refusal.StatusCode, refusal.Explanation);
            await refusal.WriteAsync(context);
            return;
        }

        var now = TaskTime.Store(time.GetUtcNow());
        var task = new TaskRecord
        {
            Id = Guid.NewGuid().ToString("D"),
            Owner = caller.ProjectId,
            ImageId = image.Id,
            RequestId = context.TraceIdentifier,
            UserId = caller.Credentials.UserId,
            Input = TaskInput(image.Id, request.Body),
            CreatedAt = now,
            UpdatedAt = now,
        };

        // set_property_atomic: the lock only when nobody holds it (a takeover above removed the old one).
        var (locked, saved) = await images.MutateAsync(image.Id, candidate =>
        {
            if (ImageProperties.Get(candidate, ImageProperties.ImportTask) is not null)
            {
                return false;
            }

            ImageProperties.Set(candidate, ImageProperties.ImportTask, task.Id);
            return true;
        }, GlanceTime.Format(time.GetUtcNow()), context.RequestAborted);
        if (locked is null)
        {
            await GlanceErrorWriter.WriteAsync(context, 404, ImagesEndpoints.NoImage(imageId));
            return;
        }

        if (!saved)
        {
            await GlanceErrorWriter.WriteAsync(context, 409, $"New operation on image '{imageId}' is not permitted as prior operation is still in progress");
            return;
        }

        await tasks.InsertAsync(task, CancellationToken.None);
        runner.Enqueue(task.Id);
        Log.Accepted(logger, context.TraceIdentifier, image.Id, request.Method, task.Id);

        // ResponseSerializer.import_image: 202 and webob's empty default body.
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = GlanceErrorBody.HtmlContentType;
        context.Response.ContentLength = 0;
    }

    // _enforce_import_lock: a lock whose task is gone, or idle past the expiry (twice that while
    // pending), is taken over: the task fails ("Expired lock preempted") and the lock goes.
    private async Task<Refusal?> EnforceLockAsync(ImageRecord image, string holder)
    {
        var other = await tasks.FindAsync(holder, CancellationToken.None);
        var now = time.GetUtcNow();
        if (other is not null)
        {
            var age = now - new DateTimeOffset(TaskTime.Parse(other.UpdatedAt), TimeSpan.Zero);
            if (age < (other.Status == Tasks.TaskStatus.Pending ? LockExpiry * 2 : LockExpiry))
            {
                return new(409, "Image has active task");
            }

            var from = other.Status;
            if (Tasks.TaskStatus.CanMove(from, Tasks.TaskStatus.Failure))
            {
                other.Status = Tasks.TaskStatus.Failure;
                other.Message = "Expired lock preempted";
                other.UpdatedAt = TaskTime.Store(now);
                other.ExpiresAt = TaskTime.Store(now + _timeToLive);
                await tasks.UpdateAsync(other, from, CancellationToken.None);
            }
        }

        var (_, removed) = await images.MutateAsync(image.Id,
            candidate => ImageProperties.Get(candidate, ImageProperties.ImportTask) == holder && ImageProperties.Remove(candidate, ImageProperties.ImportTask),
            GlanceTime.Format(now), CancellationToken.None);
        if (!removed)
        {
            return new(409, "Image has active task");
        }

        Log.LockTakenOver(logger, image.Id, holder);
        return null;
    }

    // The task's input: {"image_id": ..., "import_req": <the body as sent>, "backend": [null]}.
    private static string TaskInput(string imageId, JsonElement body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("image_id", imageId);
            writer.WritePropertyName("import_req");
            body.WriteTo(writer);
            writer.WriteStartArray("backend");
            writer.WriteNullValue();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 19005, Level = LogLevel.Information, Message = "Image import accepted {RequestId} {ImageId} ({Method}): task {TaskId}")]
        public static partial void Accepted(ILogger logger, string requestId, string imageId, string method, string taskId);

        [LoggerMessage(EventId = 19006, Level = LogLevel.Information, Message = "Image import refused {RequestId} {ImageId} ({Method}): {Status} {Explanation}")]
        public static partial void Refused(ILogger logger, string requestId, string imageId, string method, int status, string explanation);

        [LoggerMessage(EventId = 19007, Level = LogLevel.Warning, Message = "Image {ImageId}: import lock of task {TaskId} had expired and was taken over")]
        public static partial void LockTakenOver(ILogger logger, string imageId, string taskId);
    }
}
