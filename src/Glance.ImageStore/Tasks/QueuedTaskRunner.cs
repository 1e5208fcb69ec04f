using System.Threading.Channels;
using Glance.ImageStore.Persistence;

namespace Glance.ImageStore.Tasks;

/// <summary>
/// A background runner of tasks by id, as Glance's executor takes them: queued when the answer
/// that created them is written (<see cref="Enqueue"/>), run a few at a time
/// (<paramref name="maxConcurrent"/>) by <see cref="RunAsync"/>; on stop, the tasks under way end
/// with the stopping token and are awaited. The image import and the legacy import task share it.
/// </summary>
internal abstract class QueuedTaskRunner(int maxConcurrent) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Starts the task soon (after the answer that created it).</summary>
    public void Enqueue(string taskId) => _queue.Writer.TryWrite(taskId);

    /// <summary>Runs one task to its end; never throws (a failure is the task's).</summary>
    public abstract Task RunAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>
    /// Glance's <c>executor.begin_processing</c>: the task, if it is still pending, moved to
    /// <c>processing</c> (a compare-and-set: another runner that took it first wins); else null.
    /// </summary>
    protected static async Task<TaskRecord?> BeginProcessingAsync(TaskRepository tasks, string taskId, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(time);
        var task = await tasks.FindAsync(taskId, CancellationToken.None);
        if (task is null || task.Status != TaskStatus.Pending)
        {
            return null;
        }

        task.Status = TaskStatus.Processing;
        task.UpdatedAt = TaskTime.Store(time.GetUtcNow());
        return await tasks.UpdateAsync(task, TaskStatus.Pending, CancellationToken.None) ? task : null;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(maxConcurrent);
        var running = new List<Task>();
        try
        {
            await foreach (var taskId in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await RunAsync(taskId, stoppingToken);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the tasks under way end with the token.
        }

        await Task.WhenAll(running);
    }
}
