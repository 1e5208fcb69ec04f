using System.Globalization;
using System.Text.Json;
using Glance.ImageStore.Images;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Tasks;
using Microsoft.Extensions.Options;
using TaskStatus = Glance.ImageStore.Tasks.TaskStatus;

namespace Glance.ImageStore.Import;

/// <summary>
/// Runs import tasks in the background, as Glance's taskflow executor runs
/// <c>api_image_import</c> (glance/async_/flows/api_image_import.py) with one store and no
/// plugins: the task goes <c>pending</c> → <c>processing</c>; the image to <c>importing</c> with
/// empty <c>os_glance_importing_to_stores</c> and <c>os_glance_failed_import</c>; web-download
/// fetches into the staging area; the staged data is copied into the store (size, checksum,
/// sha512, virtual size; the task's message <c>Copied N MiB</c>), the image becomes <c>active</c>,
/// the staged data is removed, the task succeeds with <c>{"image_id": ...}</c> and the lock
/// <c>os_glance_import_task</c> is dropped. On a failure the task fails with Glance's
/// <c>Task failed due to Internal Error</c>, the lock is dropped and (web-download) the image goes back to
/// <c>queued</c>. Every image change checks the lock
/// first, so a task whose lock was taken over changes nothing more.
/// </summary>
internal sealed partial class ImportTaskRunner(
    TaskRepository tasks, ImageImportRepository images, ImportStaging staging, IStoreDatabase database, TimeProvider time,
    IOptions<ImageStoreOptions> options, ILogger<ImportTaskRunner> logger) : QueuedTaskRunner(MaxConcurrentImports)
{
    private const int MaxConcurrentImports = 4;
    private readonly ImportUriFilter _filter = new(options.Value.Import.Filtering);
    private readonly long _maxImageBytes = options.Value.MaxImageBytes;
    private readonly TimeSpan _timeToLive = TimeSpan.FromHours(options.Value.Import.TaskTimeToLiveHours);

    /// <summary>Glance's message for a task the executor saw fail.</summary>
    public const string InternalErrorMessage = "Task failed due to Internal Error";

    /// <summary>Runs one task to its end; never throws (a failure is the task's).</summary>
    public override async Task RunAsync(string taskId, CancellationToken cancellationToken)
    {
        if (await BeginProcessingAsync(tasks, taskId, time) is not { } task)
        {
            return;
        }

        using var input = JsonDocument.Parse(task.Input ?? "{}");
        var method = input.RootElement.GetProperty("import_req").GetProperty("method");
        var methodName = method.GetProperty("name").GetString()!;
        var imageId = task.ImageId!;
        try
        {
            // get_flow: mark the image as being imported (an image change like every later one: the lock first).
            await ChangeAsync(imageId, taskId, image =>
            {
                if (image.Status is not (ImageStatus.Queued or ImageStatus.Uploading))
                {
                    throw new InvalidOperationException($"Image status transition from {image.Status} to importing is not allowed");
                }

                image.Status = ImageStatus.Importing;
                ImageProperties.MergeStoreList(image, ImageProperties.ImportingToStores);
                ImageProperties.MergeStoreList(image, ImageProperties.FailedImport);
                ImageProperties.Remove(image, ImageProperties.StageHost);
            });

            if (methodName == "web-download")
            {
                await DownloadAsync(imageId, method.GetProperty("uri").GetString()!, cancellationToken);
            }

            await ImportToStoreAsync(task, imageId, cancellationToken);
            staging.Delete(imageId);

            // _CompleteTask: succeed, then drop the lock.
            task.Status = TaskStatus.Success;
            task.Result = "{\"image_id\":\"" + JsonEncodedText.Encode(imageId, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"}";
            await FinishAsync(task);
            await DropLockAsync(imageId, taskId);
            Log.Succeeded(logger, taskId, imageId, methodName);
        }
        catch (Exception exception)
        {
            Log.Failed(logger, exception, taskId, imageId, methodName);
            // Only web-download's revert (BaseDownload.revert) puts the image back to queued: a
            // glance-direct import that fails copying into the store stays importing, as in Glance.
            // The store's own addition: a glance-direct import cut short by the store stopping
            // goes back to uploading (its staged data is still there), so it can be imported again.
            var restore = methodName == "web-download" ? ImageStatus.Queued
                : cancellationToken.IsCancellationRequested ? ImageStatus.Uploading
                : null;
            await RevertAsync(imageId, taskId, restore);
            if (methodName == "web-download")
            {
                staging.Delete(imageId);
            }

            task.Status = TaskStatus.Failure;
            task.Message = InternalErrorMessage;
            await FinishAsync(task);
        }
    }

    // _WebDownload: the data into the staging area; a Content-Length it does not match fails.
    private async Task DownloadAsync(string imageId, string uri, CancellationToken cancellationToken)
    {
        var (client, response) = await WebDownload.OpenAsync(_filter, uri, cancellationToken);
        using (client)
        using (response)
        {
            var tempPath = staging.TemporaryPathOf(imageId);
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                var copy = await ImageDataCopy.CopyAsync(body, tempPath, _maxImageBytes, null, cancellationToken);
                if (copy.TooLarge)
                {
                    throw new InvalidOperationException("The provided image is too large.");
                }

                if (response.Content.Headers.ContentLength is long expected && expected != copy.Size)
                {
                    throw new InvalidOperationException($"downloaded data size {copy.Size} is different from expected {expected}");
                }

                File.Move(tempPath, staging.PathOf(imageId), overwrite: true);
            }
            finally
            {
                File.Delete(tempPath);
            }
        }
    }

    // _ImportToStore with set_image_data: the staged file into the store, then the image active.
    private async Task ImportToStoreAsync(TaskRecord task, string imageId, CancellationToken cancellationToken)
    {
        var finalPath = Path.Combine(database.ImagesPath, imageId);
        var tempPath = finalPath + "." + Guid.NewGuid().ToString("N") + ".part";
        try
        {
            ImageDataCopy.Result copy;
            await using (var source = new FileStream(staging.PathOf(imageId), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan))
            {
                copy = await ImageDataCopy.CopyAsync(source, tempPath, _maxImageBytes, null, cancellationToken);
            }

            if (copy.TooLarge)
            {
                throw new InvalidOperationException("The provided image is too large.");
            }

            // The status callback: the task must still be processing; it records the progress.
            if (copy.Size > 0)
            {
                task.Message = string.Create(CultureInfo.InvariantCulture, $"Copied {copy.Size / (1024 * 1024)} MiB");
                task.UpdatedAt = TaskTime.Store(time.GetUtcNow());
                if (!await tasks.UpdateAsync(task, TaskStatus.Processing, CancellationToken.None))
                {
                    throw new InvalidOperationException($"Task {task.Id} is no longer processing; aborting.");
                }
            }

            File.Move(tempPath, finalPath, overwrite: true);
            await ChangeAsync(imageId, task.Id, image =>
            {
                image.Size = copy.Size;
                image.Checksum = copy.Checksum;
                image.OsHashAlgo = "sha512";
                image.OsHashValue = copy.HashValue;
                if (image.VirtualSize is null or 0 && ImageDataCopy.VirtualSize(image.DiskFormat, image.ContainerFormat, copy.Size, copy.Head) is > 0 and var virtualSize)
                {
                    image.VirtualSize = virtualSize;
                }

                image.Status = ImageStatus.Active;
            });
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    // The image, changed by one step of this task's flow; the step fails unless the task still holds the lock.
    private async Task ChangeAsync(string imageId, string taskId, Action<ImageRecord> change)
    {
        var (image, _) = await images.MutateAsync(imageId, image =>
        {
            if (ImageProperties.Get(image, ImageProperties.ImportTask) != taskId)
            {
                throw new InvalidOperationException($"Import task {taskId} does not hold the lock of image {imageId}; aborting.");
            }

            change(image);
            return true;
        }, Now(), CancellationToken.None);
        if (image is null)
        {
            throw new InvalidOperationException($"Image {imageId} has been deleted, aborting import.");
        }
    }

    // The reverts that ran in Glance's flow: back to queued where Glance's revert does it, the
    // (empty) store lists kept, and our lock dropped, never another task's.
    private async Task RevertAsync(string imageId, string taskId, string? restoreStatus) =>
        await images.MutateAsync(imageId, image =>
        {
            if (ImageProperties.Get(image, ImageProperties.ImportTask) != taskId)
            {
                return false;
            }

            if (restoreStatus is not null && image.Status == ImageStatus.Importing)
            {
                image.Status = restoreStatus;
                if (restoreStatus == ImageStatus.Queued)
                {
                    image.Size = null;
                    image.VirtualSize = null;
                }
            }

            ImageProperties.MergeStoreList(image, ImageProperties.ImportingToStores);
            ImageProperties.MergeStoreList(image, ImageProperties.FailedImport);
            ImageProperties.Remove(image, ImageProperties.ImportTask);
            return true;
        }, Now(), CancellationToken.None);

    private async Task DropLockAsync(string imageId, string taskId) =>
        await images.MutateAsync(imageId, image => ImageProperties.Get(image, ImageProperties.ImportTask) == taskId && ImageProperties.Remove(image, ImageProperties.ImportTask),
            Now(), CancellationToken.None);

    // task.succeed / task.fail: the status, then expires_at = now + task_time_to_live.
    private async Task FinishAsync(TaskRecord task)
    {
        var now = time.GetUtcNow();
        task.UpdatedAt = TaskTime.Store(now);
        task.ExpiresAt = TaskTime.Store(now + _timeToLive);
        await tasks.UpdateAsync(task, TaskStatus.Processing, CancellationToken.None);
    }

    private string Now() => GlanceTime.Format(time.GetUtcNow());

    private static partial class Log
    {
        [LoggerMessage(EventId = 19003, Level = LogLevel.Information, Message = "Import task {TaskId} of image {ImageId} ({Method}) succeeded")]
        public static partial void Succeeded(ILogger logger, string taskId, string imageId, string method);

        [LoggerMessage(EventId = 19004, Level = LogLevel.Warning, Message = "Import task {TaskId} of image {ImageId} ({Method}) failed")]
        public static partial void Failed(ILogger logger, Exception exception, string taskId, string imageId, string method);
    }
}
