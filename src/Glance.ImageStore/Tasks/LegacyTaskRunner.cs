using System.Net.Sockets;
using System.Text.Json;
using Glance.ImageStore.Images;
using Glance.ImageStore.Import;
using Glance.ImageStore.Persistence;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Tasks;

/// <summary>
/// Runs the tasks <c>POST /v2/tasks</c> creates, as Glance 25.1's taskflow executor does with
/// Glance's defaults (no <c>[task] work_dir</c>, no <c>enabled_backends</c>): the task goes
/// <c>pending</c> → <c>processing</c>, then
/// <list type="bullet">
/// <item><c>import</c>: <c>unpack_task_input</c> (<c>Input does not contain '…' field</c> for
/// <c>import_from</c>, <c>import_from_format</c>, <c>image_properties</c>) and the URI checked again
/// (<see cref="LegacyImportUri"/>), each refusal the task's message; then base_import's flow without
/// its work-dir stage (<c>_ImportToFS</c> is not configured, so Glance leaves it out): the image made
/// from <c>image_properties</c> (no owner unless they name one), set to <c>saving</c> (which needs a
/// disk and container format), the data fetched from <c>import_from</c> into the store, the image
/// <c>active</c>, the task <c>success</c> with <c>{"image_id": …}</c>. A fetch that fails as
/// urllib fails (a refused connection, an HTTP error) is <c>Uploading the image failed due to: …</c>;
/// any other failure Glance's <c>Task failed due to Internal Error</c>; on either the image is
/// deleted (the flow's revert).</item>
/// <item><c>api_image_import</c>: the input checks of <c>unpack_task_input</c> (<c>Input to
/// api_image_import task is empty.</c>, <c>Missing required 'image_id' field</c>). A task that passes
/// them stays <c>processing</c>: this store does not run Glance's import flow from a task made this
/// way (the README's known differences).</item>
/// </list>
/// A finished task expires after <c>ImageStore:Import:TaskTimeToLiveHours</c>.
/// </summary>
internal sealed partial class LegacyTaskRunner(
    TaskRepository tasks, ImageRepository images, IStoreDatabase database, TimeProvider time,
    IOptions<ImageStoreOptions> options, ILogger<LegacyTaskRunner> logger) : QueuedTaskRunner(MaxConcurrentTasks)
{
    private const int MaxConcurrentTasks = 4;

    // The base properties image_properties may not name: new_image takes them as read-only or
    // unexpected arguments, and the flow fails.
    private static readonly HashSet<string> ReadOnlyOrUnexpected = new(StringComparer.Ordinal)
    {
        "id", "status", "checksum", "os_hash_algo", "os_hash_value", "size", "virtual_size", "created_at", "updated_at",
        "direct_url", "locations", "self", "file", "schema", "stores",
    };

    private readonly ImportUriFilter _filter = new(options.Value.Import.Filtering);
    private readonly long _maxImageBytes = options.Value.MaxImageBytes;
    private readonly TimeSpan _timeToLive = TimeSpan.FromHours(options.Value.Import.TaskTimeToLiveHours);

    /// <summary>The URI filter the controller checks <c>import_from</c> with (the same the task checks again).</summary>
    public ImportUriFilter Filter => _filter;

    /// <summary>Runs one task to its end (or, for an <c>api_image_import</c> past its checks, to <c>processing</c>); never throws.</summary>
    public override async Task RunAsync(string taskId, CancellationToken cancellationToken)
    {
        if (await BeginProcessingAsync(tasks, taskId, time) is not { } task)
        {
            return;
        }

        using var document = JsonDocument.Parse(task.Input ?? "null");
        var input = document.RootElement;
        if (task.Type == TaskStatus.ApiImageImport)
        {
            // unpack_task_input; past it _get_flow's KeyError or the flow itself (not run here).
            if (input.ValueKind != JsonValueKind.Object || !input.EnumerateObject().Any())
            {
                await FailAsync(task, "Input to api_image_import task is empty.");
            }
            else if (!input.TryGetProperty("image_id", out _))
            {
                await FailAsync(task, "Missing required 'image_id' field");
            }

            return;
        }

        foreach (var key in (ReadOnlySpan<string>)["import_from", "import_from_format", "image_properties"])
        {
            if (!input.TryGetProperty(key, out _))
            {
                await FailAsync(task, $"Input does not contain '{key}' field");
                return;
            }
        }

        var (outcome, uriOrMessage) = await LegacyImportUri.ValidateAsync(_filter, input, cancellationToken);
        if (outcome != LegacyImportUri.Outcome.Valid)
        {
            await FailAsync(task, outcome == LegacyImportUri.Outcome.Refused ? uriOrMessage : InternalError);
            return;
        }

        string? imageId = null;
        try
        {
            imageId = await CreateImageAsync(input.GetProperty("image_properties"));
            var message = await ImportToStoreAsync(imageId, uriOrMessage, cancellationToken);
            if (message is not null)
            {
                await RevertAsync(imageId);
                await FailAsync(task, message);
                return;
            }

            task.Status = TaskStatus.Success;
            task.Result = "{\"image_id\":\"" + imageId + "\"}";
            await FinishAsync(task);
            Log.Succeeded(logger, taskId, imageId);
        }
        catch (Exception exception)
        {
            Log.Failed(logger, exception, taskId);
            if (imageId is not null)
            {
                await RevertAsync(imageId);
            }

            await FailAsync(task, InternalError);
        }
    }

    /// <summary>Glance's message for a task whose flow failed otherwise.</summary>
    public const string InternalError = "Task failed due to Internal Error";

    // _CreateImage: image_import.create_image over the image factory (a queued image, no owner unless named).
    private async Task<string> CreateImageAsync(JsonElement properties)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException("image_properties is not a dict");
        }

        var now = GlanceTime.Format(time.GetUtcNow());
        var image = new ImageRecord { Id = Guid.NewGuid().ToString("D"), CreatedAt = now, UpdatedAt = now, Owner = null };
        foreach (var property in properties.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "name": image.Name = NullableString(value); break;
                case "visibility": image.Visibility = value.GetString() is "public" or "private" or "shared" or "community" ? value.GetString()! : throw new InvalidOperationException("visibility"); break;
                case "owner": image.Owner = NullableString(value); break;
                case "disk_format": image.DiskFormat = NullableString(value); break;
                case "container_format": image.ContainerFormat = NullableString(value); break;
                case "protected": image.Protected = value.GetBoolean(); break;
                case "os_hidden": image.OsHidden = value.GetBoolean(); break;
                case "min_disk": image.MinDisk = value.GetInt64(); break;
                case "min_ram": image.MinRam = value.GetInt64(); break;
                case "tags": image.Tags = [.. value.EnumerateArray().Select(t => t.GetString()!).Distinct()]; break;
                case var name when ReadOnlyOrUnexpected.Contains(name) || name.StartsWith("os_glance", StringComparison.Ordinal):
                    throw new InvalidOperationException($"image property {name} may not be set");
                default: image.Properties.Add(new(property.Name, value.GetString() ?? throw new InvalidOperationException(property.Name))); break;
            }
        }

        if (!await images.InsertAsync(image, CancellationToken.None))
        {
            throw new InvalidOperationException("image id taken");
        }

        return image.Id;

        static string? NullableString(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetString();
    }

    // _ImportToStore and _SaveImage: saving (the formats first), the data fetched into the store, active.
    // The message of a fetch that failed as urllib fails (an IOError: the task's message), or null.
    private async Task<string?> ImportToStoreAsync(string imageId, string uri, CancellationToken cancellationToken)
    {
        var image = await images.FindAsync(imageId, null, CancellationToken.None) ?? throw new InvalidOperationException("image gone");
        var missing = new[] { ("disk_format", image.DiskFormat), ("container_format", image.ContainerFormat) }.Where(p => string.IsNullOrEmpty(p.Item2)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Properties {string.Join(", ", missing.Select(p => p.Item1))} must be set prior to saving data.");
        }

        if (!await images.TransitionAsync(imageId, [ImageStatus.Queued], ImageStatus.Saving, GlanceTime.Format(time.GetUtcNow()), CancellationToken.None))
        {
            throw new InvalidOperationException("image not queued");
        }

        HttpClient client;
        HttpResponseMessage response;
        try
        {
            (client, response) = await WebDownload.OpenAsync(_filter, uri, cancellationToken);
        }
        catch (HttpRequestException exception) when (UrllibError(exception) is { } reason)
        {
            return "Uploading the image failed due to: " + reason;
        }

        var finalPath = Path.Combine(database.ImagesPath, imageId);
        var tempPath = finalPath + "." + Guid.NewGuid().ToString("N") + ".part";
        using (client)
        using (response)
        {
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                var copy = await ImageDataCopy.CopyAsync(body, tempPath, _maxImageBytes, null, cancellationToken);
                if (copy.TooLarge)
                {
                    throw new InvalidOperationException("The provided image is too large.");
                }

                File.Move(tempPath, finalPath, overwrite: true);
                var virtualSize = ImageDataCopy.VirtualSize(image.DiskFormat, image.ContainerFormat, copy.Size, copy.Head);
                if (!await images.CompleteUploadAsync(imageId, copy.Size, virtualSize is > 0 ? virtualSize : null, copy.Checksum, copy.HashValue,
                    GlanceTime.Format(time.GetUtcNow()), CancellationToken.None))
                {
                    throw new InvalidOperationException("image no longer saving");
                }
            }
            finally
            {
                File.Delete(tempPath);
            }
        }

        return null;
    }

    // str() of the urllib error Glance's fetch raises: HTTPError ("HTTP Error 404: Not Found") or
    // URLError over the socket's error ("<urlopen error [Errno 111] ECONNREFUSED>", as under eventlet).
    private static string? UrllibError(HttpRequestException exception)
    {
        if (exception.StatusCode is not null)
        {
            return exception.Message;
        }

        return exception.InnerException is SocketException socket ? socket.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "<urlopen error [Errno 111] ECONNREFUSED>",
            SocketError.HostUnreachable => "<urlopen error [Errno 113] EHOSTUNREACH>",
            SocketError.NetworkUnreachable => "<urlopen error [Errno 101] ENETUNREACH>",
            SocketError.ConnectionReset => "<urlopen error [Errno 104] ECONNRESET>",
            SocketError.TimedOut => "<urlopen error timed out>",
            _ => null,
        } : null;
    }

    // _CreateImage.revert: the image deleted.
    private async Task RevertAsync(string imageId) =>
        await images.SoftDeleteAsync(imageId, GlanceTime.Format(time.GetUtcNow()), CancellationToken.None);

    private async Task FailAsync(TaskRecord task, string message)
    {
        task.Status = TaskStatus.Failure;
        task.Message = message;
        await FinishAsync(task);
    }

    // task.succeed / task.fail: the status, then expires_at = now + task_time_to_live.
    private async Task FinishAsync(TaskRecord task)
    {
        var now = time.GetUtcNow();
        task.UpdatedAt = TaskTime.Store(now);
        task.ExpiresAt = TaskTime.Store(now + _timeToLive);
        await tasks.UpdateAsync(task, TaskStatus.Processing, CancellationToken.None);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 19101, Level = LogLevel.Information, Message = "Import task {TaskId} (type import) succeeded: image {ImageId}")]
        public static partial void Succeeded(ILogger logger, string taskId, string imageId);

        [LoggerMessage(EventId = 19102, Level = LogLevel.Warning, Message = "Import task {TaskId} (type import) failed")]
        public static partial void Failed(ILogger logger, Exception exception, string taskId);
    }
}
