using Dashboard.Slurm.Rest;

namespace Dashboard.Slurm.Execution;

/// <summary>
/// The quick look: for a few seconds after Slurm accepts a job, the executor asks Slurm for that one job every
/// <see cref="QuickLookInterval"/> (GET job/{id}: one small answer) instead of waiting for the next poll's full job
/// list. A job that ends at once (a short step, a command that fails at its first line) frees its GPUs in the
/// dashboard within about one interval, so the next wave of starts follows as Slurm's own queue would; the poll
/// still does everything else (pending too long, cancels, corrections) and takes the ends the quick look missed. At
/// most <see cref="SlurmOptions.QuickLookJobs"/> jobs are looked at at once; a job started beyond that waits for the poll.
/// </summary>
public sealed partial class SlurmExecutor
{
    public static readonly TimeSpan QuickLookInterval = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan QuickLookWindow = TimeSpan.FromSeconds(3);

    private int lookedAt;

    private async Task QuickLookAsync(TrackedJob job, long slurmId, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref lookedAt) > options.QuickLookJobs)
        {
            Interlocked.Decrement(ref lookedAt);
            return;
        }

        try
        {
            var until = time.GetUtcNow() + QuickLookWindow;
            while (time.GetUtcNow() < until && tracked.TryGetValue(job.Launch.Id, out var same) && ReferenceEquals(same, job) && !job.StopRequested)
            {
                await Task.Delay(QuickLookInterval, time, cancellationToken).ConfigureAwait(false);
                if (await rest.JobAsync(slurmId, cancellationToken).ConfigureAwait(false) is not { } slurm)
                {
                    return;
                }

                if (EndOf(job, slurm, time.GetUtcNow()) is { } exit)
                {
                    await EndAsync(job, exit).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception error) when (error is SlurmUnreachableException or SlurmRefusedException)
        {
            // The poll says how it stands.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            Interlocked.Decrement(ref lookedAt);
        }
    }
}
