using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// What setting a team's quota would do to its running jobs, computed by applying
/// <see cref="ClusterTransitions.SetQuota"/> to the snapshot and comparing each job's borrowing mark before and after
/// (the rule lives in one place). The rule it makes explicit: <b>changing a quota never stops a running job</b>.
/// Jobs beyond the new nominal quota keep running and become borrowing, and so preemptible when another team needs
/// its guaranteed share back; jobs that now fit within nominal quota stop borrowing and are no longer preemptible.
/// When the team's use is above its new ceiling (nominal plus borrowing limit) its jobs still keep running; nothing
/// new of the team starts until its use falls below the ceiling.
/// </summary>
public sealed record QuotaChangeEffect(
    string Team,
    TeamQuota? Previous,
    TeamQuota Proposed,
    ImmutableArray<RunningJob> BecomeBorrowing,
    ImmutableArray<RunningJob> StopBorrowing,
    ResourceAmount InUse,
    ImmutableArray<string> Lines)
{
    /// <summary>True when no running job changes its mark (the change may still admit or block pending jobs).</summary>
    public bool ChangesNoRunningJob => BecomeBorrowing.IsEmpty && StopBorrowing.IsEmpty;

    /// <summary>The effect of setting <paramref name="proposed"/> on <paramref name="snapshot"/>; the snapshot is left untouched.</summary>
    public static QuotaChangeEffect Of(ClusterSnapshot snapshot, TeamQuota proposed)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(proposed);
        var after = ClusterTransitions.SetQuota(snapshot, proposed);
        var before = snapshot.Running.Where(r => r.Job.Team == proposed.Team).ToDictionary(r => r.Job.Id);
        var become = ImmutableArray.CreateBuilder<RunningJob>();
        var stop = ImmutableArray.CreateBuilder<RunningJob>();
        var inUse = ResourceAmount.Zero;
        foreach (var job in after.Running.Where(r => r.Job.Team == proposed.Team).OrderBy(r => r.Job.Id))
        {
            inUse += job.Allocation.Amount;
            var was = before[job.Job.Id].Borrowing;
            if (job.Borrowing && !was)
            {
                become.Add(job);
            }
            else if (!job.Borrowing && was)
            {
                stop.Add(job);
            }
        }

        var previous = snapshot.Quotas.FirstOrDefault(q => q.Team == proposed.Team);
        var effect = new QuotaChangeEffect(proposed.Team, previous, proposed, become.ToImmutable(), stop.ToImmutable(), inUse, []);
        return effect with { Lines = Describe(effect) };
    }

    private static ImmutableArray<string> Describe(QuotaChangeEffect effect)
    {
        var lines = ImmutableArray.CreateBuilder<string>();
        var team = effect.Team;
        if (effect.Previous is null)
        {
            lines.Add($"Team {team} is new: it gets this quota.");
        }

        if (!effect.BecomeBorrowing.IsEmpty)
        {
            lines.Add($"{Jobs(effect.BecomeBorrowing.Length)} of team {team} will become borrowing and preemptible ({Ids(effect.BecomeBorrowing)}). "
                + "They keep running: a quota change never stops a job.");
        }

        if (!effect.StopBorrowing.IsEmpty)
        {
            lines.Add($"{Jobs(effect.StopBorrowing.Length)} of team {team} will stop borrowing and no longer be preemptible ({Ids(effect.StopBorrowing)}).");
        }

        if (!effect.InUse.FitsWithin(effect.Proposed.Ceiling))
        {
            lines.Add($"Team {team} holds {Amount(effect.InUse)}, more than its new ceiling (nominal + borrowing limit) of {Amount(effect.Proposed.Ceiling)}: "
                + "its running jobs keep running, and nothing new of the team starts until its use falls below the ceiling.");
        }

        if (effect.ChangesNoRunningJob && lines.Count == 0)
        {
            lines.Add($"No running job of team {team} changes; the new quota applies from the next scheduling pass.");
        }

        return lines.ToImmutable();
    }

    private static string Jobs(int count) => count == 1 ? "1 running job" : string.Create(CultureInfo.InvariantCulture, $"{count} running jobs");

    private static string Amount(ResourceAmount amount) =>
        string.Create(CultureInfo.InvariantCulture, $"{amount.Gpus} GPUs, {Units.Cores(amount.CpuMillicores)} cores, {Units.Memory(amount.MemoryMiB)}");

    private static string Ids(ImmutableArray<RunningJob> jobs) =>
        (jobs.Length == 1 ? "job " : "jobs ") + string.Join(", ", jobs.Select(j => j.Job.Id.ToString()));
}
