using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Jobs a deciding pass left waiting because their team's quota is full, kept as runs of a team's ordered queue
/// instead of one entry per job: once a team cannot admit any more of its jobs, every job the merge takes from it in a
/// row waits for the same reason, and late in a backlog's drain a pass met tens of thousands of them one by one.
/// </summary>
/// <param name="At">The run's first job's position among all waiting jobs (its jobs ahead).</param>
/// <param name="Team">The team's number in the pass (<see cref="JobOrder.LastTeamNumber"/>).</param>
/// <param name="Queue">The team's ordered queue (<see cref="PendingQueue.Ordered"/>); the run is <c>[From, From + Count)</c> of it.</param>
internal readonly record struct QuotaFullRun(int At, int Team, IReadOnlyList<Job> Queue, int From, int Count);

/// <summary>
/// A pass's explanations when some waiting jobs are kept as <see cref="QuotaFullRun"/>s: the runs, and the other
/// waiting jobs' explanations (<paramref name="others"/>, positions counted without the runs). Each explanation is the
/// one the pass would have recorded job by job: cause <see cref="PendingCause.TeamQuotaFull"/>, no estimate (passes
/// that estimate starts keep every job one by one), no reservation or blocking job, the team's final quota figures.
/// </summary>
internal sealed class QuotaFullRunsExplanations(
    PendingExplanations.Source others,
    IReadOnlyList<QuotaFullRun> runs,
    ResourceAmount[] inUse,
    ResourceAmount[] ceilings) : PendingExplanations.Source
{
    /// <summary>How many run jobs come before each run, and (last) in all.</summary>
    private readonly int[] runJobsBefore = RunJobsBefore(runs);

    public override int Count => others.Count + runJobsBefore[^1];

    public override PendingExplanation At(int index)
    {
        var run = LastRunAtOrBefore(index);
        if (run >= 0 && index < runs[run].At + runs[run].Count)
        {
            var found = runs[run];
            var job = found.Queue[found.From + index - found.At];
            return new PendingExplanation(job.Id, null, new PendingReason(PendingCause.TeamQuotaFull, job.Request, index, inUse[found.Team], ceilings[found.Team], Team: job.Team), null);
        }

        var other = others.At(index - runJobsBefore[run + 1]);
        return other with { Reason = other.Reason with { JobsAhead = index } };
    }

    public override int IndexOf(JobId job)
    {
        var other = others.IndexOf(job);
        if (other >= 0)
        {
            // The others' position plus the run jobs ahead of it: runs sit between others by their positions.
            var index = other;
            foreach (var run in runs)
            {
                if (run.At > index)
                {
                    break;
                }

                index += run.Count;
            }

            return index;
        }

        foreach (var run in runs)
        {
            for (var i = 0; i < run.Count; i++)
            {
                if (run.Queue[run.From + i].Id == job)
                {
                    return run.At + i;
                }
            }
        }

        return -1;
    }

    /// <summary>The last run starting at or before <paramref name="index"/>; -1 when none.</summary>
    private int LastRunAtOrBefore(int index)
    {
        int low = 0, high = runs.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (runs[middle].At <= index)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low - 1;
    }

    private static int[] RunJobsBefore(IReadOnlyList<QuotaFullRun> runs)
    {
        var before = new int[runs.Count + 1];
        for (var r = 0; r < runs.Count; r++)
        {
            before[r + 1] = before[r] + runs[r].Count;
        }

        return before;
    }
}
