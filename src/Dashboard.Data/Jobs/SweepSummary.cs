using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Jobs;

/// <summary>
/// A sweep as the Jobs list shows it: its name, owner, team and size, and its jobs by index. The counts are read from
/// the jobs' states: "3/6 done, 1 failed, 2 waiting".
/// </summary>
public sealed record SweepSummary(long Id, string Name, string Owner, string Team, int Size, IReadOnlyList<JobRecord> Jobs)
{
    public int Done => Jobs.Count(j => j.State == JobState.Succeeded);

    public int Failed => Jobs.Count(j => j.State is JobState.Failed or JobState.TimedOut or JobState.Rejected);

    public int Cancelled => Jobs.Count(j => j.State == JobState.Cancelled);

    public int Running => Jobs.Count(j => j.State == JobState.Running);

    public int Waiting => Jobs.Count(j => j.State == JobState.Pending);

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
