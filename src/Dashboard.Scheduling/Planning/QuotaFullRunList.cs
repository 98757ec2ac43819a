namespace Dashboard.Scheduling.Planning;

/// <summary>The <see cref="QuotaFullRun"/>s a pass recorded, in order, and how many jobs they hold in all.</summary>
internal sealed class QuotaFullRunList
{
    private List<QuotaFullRun>? runs;

    /// <summary>The runs; null when the pass recorded none.</summary>
    public IReadOnlyList<QuotaFullRun>? Runs => runs;

    /// <summary>How many jobs the runs hold in all.</summary>
    public int Jobs { get; private set; }

    public void Add(QuotaFullRun run)
    {
        runs ??= [];
        runs.Add(run);
        Jobs += run.Count;
    }
}
