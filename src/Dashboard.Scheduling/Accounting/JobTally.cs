namespace Dashboard.Scheduling.Accounting;

/// <summary>
/// One usage-table row's sums while a store reads them from roll-ups and allocations: what its jobs held, how many
/// first started and their summed waits, and the waits of first starts that are in no roll-up yet.
/// </summary>
public sealed class JobTally
{
    private List<long>? unrolledWaits;

    public HeldAmount Held { get; private set; }

    public long Jobs { get; private set; }

    public long WaitMilliseconds { get; private set; }

    /// <summary>The waits of first starts whose allocation is still held or queued (in no roll-up yet); empty when none.</summary>
    public IReadOnlyList<long> UnrolledWaits => unrolledWaits ?? (IReadOnlyList<long>)[];

    /// <summary>Whether the row has nothing to show: nothing held and no job started.</summary>
    public bool IsEmpty => Held.Milliseconds == 0 && Jobs == 0;

    /// <summary>The mean wait of the jobs that first started; null when none did.</summary>
    public TimeSpan? MeanWait => Jobs == 0 ? null : TimeSpan.FromMilliseconds((double)WaitMilliseconds / Jobs);

    /// <summary>
    /// The place of the 95th percentile wait (nearest rank) counted from the longest, 0 being the longest; null when no
    /// job started.
    /// </summary>
    public long? P95PlaceFromLongest => Jobs == 0 ? null : Jobs - Math.Clamp((long)Math.Ceiling(0.95 * Jobs), 1, Jobs);

    public void Add(HeldAmount held) => Held += held;

    /// <summary>First starts counted elsewhere (day rows, first-start rows): how many and their summed waits.</summary>
    public void AddStarts(long jobs, long waitMilliseconds)
    {
        Jobs += jobs;
        WaitMilliseconds += waitMilliseconds;
    }

    /// <summary>A first start in no roll-up yet: counted, and its wait kept for the percentile.</summary>
    public void AddUnrolledStart(long waitMilliseconds)
    {
        AddStarts(1, waitMilliseconds);
        (unrolledWaits ??= []).Add(waitMilliseconds);
    }
}
