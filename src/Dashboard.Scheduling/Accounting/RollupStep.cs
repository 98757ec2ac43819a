namespace Dashboard.Scheduling.Accounting;

/// <summary>
/// One step of rolling usage up into buckets of one size (minutes into hours, hours into days), in Unix milliseconds:
/// the complete buckets [From, To) not rolled up yet. Afterwards the granularity's mark stands at <see cref="Until"/>.
/// </summary>
public sealed record RollupStep(long From, long To)
{
    /// <summary>Whether there is anything to roll up.</summary>
    public bool Any => From < To;

    /// <summary>Where the mark stands after this step (it never moves back).</summary>
    public long Until => Math.Max(From, To);

    /// <summary>
    /// The step up to the last complete bucket of <paramref name="size"/> before <paramref name="end"/>: from the mark
    /// <paramref name="rolledUntil"/> where there is one, else from the bucket of the first row
    /// (<paramref name="firstRow"/>, asked only then), else nothing.
    /// </summary>
    public static RollupStep Next(long? rolledUntil, Func<long?> firstRow, long end, long size)
    {
        ArgumentNullException.ThrowIfNull(firstRow);
        var to = UsageSplit.AlignDown(end, size);
        var from = rolledUntil ?? (firstRow() is { } first ? UsageSplit.AlignDown(first, size) : to);
        return new RollupStep(from, to);
    }
}
