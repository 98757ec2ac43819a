using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Jobs;

/// <summary>
/// A job of a sweep, its index there and its values (JSON); a job resubmitted for an index shares it with the attempt it
/// replaces.
/// </summary>
public sealed record SweepJob(int Index, JobRecord Record, string? ValuesJson = null);

/// <summary>
/// A sweep as the Jobs list shows it: its name, owner, team and size, and its jobs by index (each index's attempts
/// oldest first). The counts are read from the newest attempt at each index (a failed job resubmitted and then
/// succeeded counts as done): "3/6 done, 1 failed, 2 waiting".
/// </summary>
public sealed record SweepSummary(long Id, string Name, string Owner, string Team, int Size, IReadOnlyList<SweepJob> Jobs, int? MaxRunning = null)
{
    /// <summary>The tally the engine keeps of this sweep, as its newest attempts stand.</summary>
    public SweepTally ToTally() => new(Id, Name, Owner, Team, Size, MaxRunning, Done, Failed, Cancelled);

    /// <summary>The newest attempt at each index, by index.</summary>
    public IReadOnlyList<JobRecord> Current =>
        [.. Jobs.GroupBy(j => j.Index).OrderBy(g => g.Key).Select(g => g.MaxBy(j => j.Record.Job.Id.Value)!.Record)];

    public int Done => Current.Count(j => j.State == JobState.Succeeded);

    public int Failed => Current.Count(j => j.State is JobState.Failed or JobState.TimedOut or JobState.Rejected);

    public int Cancelled => Current.Count(j => j.State == JobState.Cancelled);

    public int Running => Current.Count(j => j.State == JobState.Running);

    public int Waiting => Current.Count(j => j.State == JobState.Pending);

    /// <summary>True when the job is an attempt that a later one at its index replaced.</summary>
    public bool Replaced(JobId job) =>
        Jobs.FirstOrDefault(j => j.Record.Job.Id == job) is { } found && Jobs.Any(j => j.Index == found.Index && j.Record.Job.Id.Value > job.Value);

    /// <summary>"3/6 done, 1 failed, 1 running, 2 waiting" (a count of zero is left out, except done).</summary>
    public string Progress
    {
        get
        {
            var parts = new List<string> { $"{Done}/{Size} done" };
            foreach (var (count, word) in new[] { (Failed, "failed"), (Cancelled, "cancelled"), (Running, "running"), (Waiting, "waiting") })
            {
                if (count > 0)
                {
                    parts.Add($"{count} {word}");
                }
            }

            return string.Join(", ", parts);
        }
    }
}
