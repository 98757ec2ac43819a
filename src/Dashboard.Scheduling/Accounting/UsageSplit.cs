namespace Dashboard.Scheduling.Accounting;

/// <summary>
/// The accounting arithmetic: how much of what a job held falls inside a time range, and how a job's holding splits
/// across consecutive buckets (hours, days, chart buckets). Whole milliseconds throughout, so the parts of a split
/// add up to exactly the whole.
/// </summary>
public static class UsageSplit
{
    /// <summary>The milliseconds [start, end) and [from, to) have in common (0 when they do not meet).</summary>
    public static long OverlapMilliseconds(DateTimeOffset start, DateTimeOffset end, DateTimeOffset from, DateTimeOffset to)
    {
        var a = Math.Max(start.ToUnixTimeMilliseconds(), from.ToUnixTimeMilliseconds());
        var b = Math.Min(end.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        return b > a ? b - a : 0;
    }

    /// <summary>What <paramref name="segment"/> held inside [from, to), counting a still-held segment up to <paramref name="now"/>.</summary>
    public static HeldAmount Within(HeldSegment segment, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return Of(segment, OverlapMilliseconds(segment.Start, segment.EndOr(now), from, to));
    }

    /// <summary>What <paramref name="segment"/> held over its whole life (to <paramref name="now"/> while still held).</summary>
    public static HeldAmount Whole(HeldSegment segment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return Of(segment, Math.Max(0, segment.EndOr(now).ToUnixTimeMilliseconds() - segment.Start.ToUnixTimeMilliseconds()));
    }

    /// <summary>
    /// The segment's holding split into buckets of <paramref name="bucket"/> aligned to the Unix epoch (UTC), each
    /// part with its bucket's start; only buckets it touches, oldest first. The parts add up to <see cref="Whole"/>.
    /// </summary>
    public static IEnumerable<(DateTimeOffset BucketStart, HeldAmount Held)> ByBucket(HeldSegment segment, TimeSpan bucket, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var size = (long)bucket.TotalMilliseconds;
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "A bucket is at least one millisecond long.");
        }

        var start = segment.Start.ToUnixTimeMilliseconds();
        var end = segment.EndOr(now).ToUnixTimeMilliseconds();
        for (var bucketStart = AlignDown(start, size); bucketStart < end; bucketStart += size)
        {
            var part = Math.Min(end, bucketStart + size) - Math.Max(start, bucketStart);
            yield return (DateTimeOffset.FromUnixTimeMilliseconds(bucketStart), Of(segment, part));
        }
    }

    /// <summary>The start of the bucket of <paramref name="size"/> milliseconds (epoch-aligned) that holds <paramref name="milliseconds"/>.</summary>
    public static long AlignDown(long milliseconds, long size) => milliseconds - (((milliseconds % size) + size) % size);

    public static DateTimeOffset AlignDown(DateTimeOffset time, TimeSpan size) =>
        DateTimeOffset.FromUnixTimeMilliseconds(AlignDown(time.ToUnixTimeMilliseconds(), (long)size.TotalMilliseconds));

    private static HeldAmount Of(HeldSegment segment, long milliseconds) =>
        new(milliseconds, segment.Gpus * milliseconds, segment.CpuMillicores * milliseconds, segment.MemoryMiB * milliseconds);
}
