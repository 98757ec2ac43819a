using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// The writer's cheap pass for a batch that only added waiting jobs to a full cluster. <see cref="DecidesNothing"/>
/// says, from a few summaries, that <see cref="Scheduler.Plan(ClusterSnapshot, DateTimeOffset)"/> on the snapshot
/// would start, refuse and preempt nothing at any time; the waiting jobs' reasons that pass would leave are then
/// computed only if someone reads them (<see cref="PendingOf"/>). Why nothing can be decided, step by step of the
/// recipe (see <see cref="Scheduler"/>):
/// <list type="bullet">
/// <item>A start needs a Ready node with at least the job's GPUs free now (best fit, around the reservations or by
/// least extension, all walk only such nodes): every waiting job asks for a GPU and no Ready node has one free.</item>
/// <item>The only capacity a pass frees is reclaimed (step 7), and the only preemptions it names are reclaims: both
/// need a running job on borrowed capacity, and none runs.</item>
/// <item>A refusal needs a job that can never fit, and only the teams <see cref="NeverFits.TeamsThatMayHoldNeverFittingJobs"/>
/// names (a superset) are searched: it names none.</item>
/// <item>Advance reservations are planned by another recipe: a snapshot with any is left to the full pass.</item>
/// </list>
/// None of these depends on the time, so aging, starvation and draining cannot change the answer either.
/// </summary>
public static class CheapPass
{
    public static bool DecidesNothing(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Reservations.IsEmpty || snapshot.Pending.WithoutGpusCount > 0)
        {
            return false;
        }

        foreach (var running in snapshot.Running)
        {
            if (running.Borrowing)
            {
                return false;
            }
        }

        if (NeverFits.For(snapshot).TeamsThatMayHoldNeverFittingJobs(snapshot.Pending).Count > 0)
        {
            return false;
        }

        return NoGpuFree(snapshot.Nodes, snapshot.Running);
    }

    /// <summary>
    /// Whether no Ready node has a GPU free. Nodes and running jobs are immutable arrays that a stream of submits leaves
    /// as they are, so the answer is kept for the last pair of arrays (by reference): building the capacity of every
    /// node is most of a cheap pass.
    /// </summary>
    private static bool NoGpuFree(ImmutableArray<Node> nodes, ImmutableArray<RunningJob> running)
    {
        if (lastFullness is { } last && last.Nodes == nodes && last.Running == running)
        {
            return last.NoGpuFree;
        }

        var held = new GpuAllocation[running.Length];
        for (var i = 0; i < held.Length; i++)
        {
            held[i] = running[i].Allocation;
        }

        var noGpuFree = new NodeCapacity(nodes, held).MaxFreeGpus == 0;
        lastFullness = new Fullness(nodes, running, noGpuFree);
        return noGpuFree;
    }

    // Read and written by any thread: one immutable record, replaced whole.
    private static volatile Fullness? lastFullness;

    private sealed record Fullness(ImmutableArray<Node> Nodes, ImmutableArray<RunningJob> Running, bool NoGpuFree);

    /// <summary>
    /// The waiting jobs' reasons as <see cref="Scheduler.Plan(ClusterSnapshot, DateTimeOffset)"/> on
    /// <paramref name="snapshot"/> at <paramref name="now"/> leaves them: that pass runs on the first read (on the
    /// reader's thread, once), not now.
    /// </summary>
    public static PendingExplanations PendingOf(ClusterSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return PendingExplanations.Deferred(() => Scheduler.Plan(snapshot, now).Pending);
    }
}
