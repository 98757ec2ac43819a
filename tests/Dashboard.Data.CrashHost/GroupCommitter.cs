using System.Threading.Channels;
using Dashboard.Data.Writing;

namespace Dashboard.Data.CrashHost;

/// <summary>What one transaction of a <see cref="GroupCommitter"/> held and how long it took (BEGIN to COMMIT, fsync included).</summary>
public readonly record struct GroupCommitReport(int Lists, int Changes, TimeSpan Duration, bool Committed);

/// <summary>
/// Group commit (plumbing of the persistence benchmark and the crash test only; the engine, being the single
/// writer, needs none): change lists from many concurrent callers queue up while the previous transaction commits, and
/// are then written together in one transaction by one <see cref="ClusterWriter"/>. A caller's task completes
/// only after the transaction holding its list has committed, and faults when its list could not be written.
/// When a shared transaction fails, its lists are retried one by one, in order, so one bad list fails alone.
/// </summary>
public sealed class GroupCommitter : IAsyncDisposable
{
    public const int DefaultMaxChangesPerTransaction = 512;

    private readonly Channel<QueuedList> queue = Channel.CreateUnbounded<QueuedList>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ClusterWriter writer;
    private readonly TimeProvider time;
    private readonly int maxChangesPerTransaction;
    private readonly Action<GroupCommitReport>? committed;
    private readonly Task loop;
    private QueuedList? carried;

    /// <param name="writer">The one writer; the committer uses it from its own loop and does not dispose it.</param>
    /// <param name="time">Measures transaction durations for <paramref name="committed"/>.</param>
    /// <param name="maxChangesPerTransaction">
    /// Bounds a transaction (a list is never split; a list longer than this gets a transaction of its own), and so
    /// the commit time and the wait of the first caller in it. The default keeps a commit near 2-4 ms on a 2-core VM.
    /// </param>
    /// <param name="committed">Told about every transaction, on the committer's loop; keep it quick.</param>
    public GroupCommitter(ClusterWriter writer, TimeProvider time, int maxChangesPerTransaction = DefaultMaxChangesPerTransaction, Action<GroupCommitReport>? committed = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChangesPerTransaction, 1);
        this.writer = writer;
        this.time = time;
        this.maxChangesPerTransaction = maxChangesPerTransaction;
        this.committed = committed;
        loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Queues <paramref name="changes"/> at once (so lists queued one after another are written in that order) and
    /// returns a task that completes when they are durably committed.
    /// </summary>
    public Task CommitAsync(IReadOnlyList<ClusterChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var queued = new QueuedList(changes, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return queue.Writer.TryWrite(queued)
            ? queued.Done.Task
            : Task.FromException(new ObjectDisposedException(nameof(GroupCommitter), "The group committer has been shut down."));
    }

    /// <summary>Stops taking lists, writes every list already queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<QueuedList>();
        var lists = new List<IReadOnlyList<ClusterChange>>();
        while (carried is not null || await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var changes = 0;
            while (TakeNext() is { } next)
            {
                if (batch.Count > 0 && changes + next.Changes.Count > maxChangesPerTransaction)
                {
                    carried = next;
                    break;
                }

                batch.Add(next);
                lists.Add(next.Changes);
                changes += next.Changes.Count;
            }

            Commit(batch, lists);
            batch.Clear();
            lists.Clear();
        }
    }

    /// <summary>The list left over from the previous transaction, else the next queued one, else null.</summary>
    private QueuedList? TakeNext()
    {
        if (carried is { } next)
        {
            carried = null;
            return next;
        }

        return queue.Reader.TryRead(out var queued) ? queued : null;
    }

    private void Commit(List<QueuedList> batch, List<IReadOnlyList<ClusterChange>> lists)
    {
        var error = TryWrite(lists);
        if (error is null)
        {
            foreach (var queued in batch)
            {
                queued.Done.TrySetResult();
            }

            return;
        }

        if (batch.Count == 1)
        {
            batch[0].Done.TrySetException(error);
            return;
        }

        foreach (var queued in batch)
        {
            if (TryWrite([queued.Changes]) is { } own)
            {
                queued.Done.TrySetException(own);
            }
            else
            {
                queued.Done.TrySetResult();
            }
        }
    }

#pragma warning disable CA1031 // Any failure of a write belongs to the callers waiting on it, never to the loop.
    private Exception? TryWrite(List<IReadOnlyList<ClusterChange>> lists)
    {
        var started = time.GetTimestamp();
        Exception? error = null;
        try
        {
            writer.WriteAll(lists);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        if (committed is not null)
        {
            var changes = 0;
            foreach (var list in lists)
            {
                changes += list.Count;
            }

            try
            {
                committed(new GroupCommitReport(lists.Count, changes, time.GetElapsedTime(started), error is null));
            }
            catch (Exception)
            {
                // An observer's failure must not fail a commit that happened.
            }
        }

        return error;
    }
#pragma warning restore CA1031

    private sealed record QueuedList(IReadOnlyList<ClusterChange> Changes, TaskCompletionSource Done);
}
