using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Step 6's explanations as a plan keeps them: per waiting job only its <see cref="Job"/>, its estimated start (UTC
/// ticks) and one number holding its team, cause and whether it has a reservation or a blocking job; the few
/// reservations and blocking jobs sit in short side lists by position, and quota use and ceilings once per team.
/// <see cref="At"/> builds the same <see cref="PendingExplanation"/> the pass used to allocate for every job.
/// The entries are kept in chunks below the large-object threshold: a full-cluster plan's ~100,000 entries as whole
/// arrays were ~2 MB of large objects per pass, and large-object allocations are what triggered the pass's full
/// (gen 2) collections; a plan that is dropped soon (most are) now dies in a young generation.
/// </summary>
internal sealed class WaitingExplanations : PendingExplanations.Source
{
    private const int CauseBits = 8;
    private const int HasReservation = 1 << CauseBits;
    private const int HasBlockingJob = 2 << CauseBits;
    private const int TeamShift = CauseBits + 2;
    private const long NoEstimate = long.MinValue;

    /// <summary>2,048 entries of 24 bytes: 48 KiB a chunk, under the 85,000-byte large-object threshold.</summary>
    private const int ChunkShift = 11;
    private const int ChunkMask = (1 << ChunkShift) - 1;

    private readonly int count;
    private readonly Entry[][] chunks;

    /// <summary>The estimates' offsets, only when one differs from <see cref="now"/>'s (never, when every time is UTC).</summary>
    private readonly TimeSpan[]? estimateOffsets;
    private readonly DateTimeOffset now;
    private readonly ResourceAmount[] inUse;
    private readonly ResourceAmount[] ceilings;
    private readonly int[] reservedAt;
    private readonly BackfillReservation[] reservations;
    private readonly int[] blockedAt;
    private readonly bool predicted;
    private readonly JobId[] blockingJobs;

    /// <summary>
    /// Copies what the explanations need out of <paramref name="waiting"/>; <paramref name="estimates"/> (null: no
    /// estimates this pass) holds the start estimator's answers by position. A reserved job is estimated at its
    /// reservation, or earlier when <paramref name="predicted"/> (the estimates used run-time predictions) says so.
    /// </summary>
    public WaitingExplanations(WaitingJobs waiting, DateTimeOffset?[]? estimates, DateTimeOffset now, ResourceAmount[] inUse, ResourceAmount[] ceilings, bool predicted = false)
    {
        this.predicted = predicted;
        this.now = now;
        this.inUse = inUse;
        this.ceilings = ceilings;
        count = waiting.Count;
        chunks = new Entry[(count + ChunkMask) >> ChunkShift][];
        for (var c = 0; c < chunks.Length; c++)
        {
            chunks[c] = new Entry[Math.Min(ChunkMask + 1, count - (c << ChunkShift))];
        }

        var reserved = new List<(int At, BackfillReservation Reservation)>();
        var blocked = new List<(int At, JobId Job)>();
        var otherOffsets = false;
        for (var i = 0; i < count; i++)
        {
            ref readonly var job = ref waiting.Facts(i);
            var bits = (job.Team << TeamShift) | (int)job.Cause;
            if (job.Reservation is { } reservation)
            {
                bits |= HasReservation;
                reserved.Add((i, reservation));
            }

            if (job.BlockingJob is { } blocking)
            {
                bits |= HasBlockingJob;
                blocked.Add((i, blocking));
            }

            var estimate = estimates?[i];
            otherOffsets |= estimate is { } at && at.Offset != now.Offset;
            chunks[i >> ChunkShift][i & ChunkMask] = new Entry(job.Job, estimate?.UtcTicks ?? NoEstimate, bits);
        }

        if (otherOffsets)
        {
            estimateOffsets = new TimeSpan[count];
            for (var i = 0; i < count; i++)
            {
                estimateOffsets[i] = estimates![i]?.Offset ?? TimeSpan.Zero;
            }
        }

        reservedAt = [.. reserved.Select(r => r.At)];
        reservations = [.. reserved.Select(r => r.Reservation)];
        blockedAt = [.. blocked.Select(b => b.At)];
        blockingJobs = [.. blocked.Select(b => b.Job)];
    }

    public override int Count => count;

    public override PendingExplanation At(int index)
    {
        ref readonly var entry = ref EntryAt(index);
        var job = entry.Job;
        var bits = entry.Packed;
        var cause = (PendingCause)(bits & ((1 << CauseBits) - 1));
        var team = bits >> TeamShift;
        var reservation = (bits & HasReservation) != 0 ? reservations[Array.BinarySearch(reservedAt, index)] : null;
        JobId? blocking = (bits & HasBlockingJob) != 0 ? blockingJobs[Array.BinarySearch(blockedAt, index)] : null;
        return Explain(new JobFacts(job, team, cause, reservation, blocking), index, EstimateAt(index), now, inUse[team], ceilings[team], predicted);
    }

    /// <summary>
    /// The explanation of the waiting job at position <paramref name="index"/>, from its facts, its simulated start
    /// and its team's final quota use and ceiling: what <see cref="At"/> builds, for a pass that explains one job only.
    /// </summary>
    public static PendingExplanation Explain(in JobFacts facts, int index, DateTimeOffset? simulated, DateTimeOffset now, ResourceAmount inUse, ResourceAmount ceiling, bool predicted)
    {
        var job = facts.Job;
        var cause = facts.Cause;
        var reservation = facts.Reservation;
        // A reserved job starts at its reservation at the latest; earlier when running jobs end as their owners' histories predict.
        var estimate = cause == PendingCause.WaitingForReclaim ? now
            : reservation is null ? simulated
            : predicted && simulated is { } earlier && earlier < reservation.Start ? earlier : reservation.Start;
        var reason = new PendingReason(cause, job.Request, index, inUse, ceiling, facts.BlockingJob, Team: job.Team);
        return new PendingExplanation(job.Id, estimate, reason, reservation);
    }

    public override int IndexOf(JobId job)
    {
        for (var c = 0; c < chunks.Length; c++)
        {
            var chunk = chunks[c];
            for (var i = 0; i < chunk.Length; i++)
            {
                if (chunk[i].Job.Id == job)
                {
                    return (c << ChunkShift) + i;
                }
            }
        }

        return -1;
    }

    private ref readonly Entry EntryAt(int index) => ref chunks[index >> ChunkShift][index & ChunkMask];

    private DateTimeOffset? EstimateAt(int index)
    {
        var ticks = EntryAt(index).EstimateTicks;
        if (ticks == NoEstimate)
        {
            return null;
        }

        var offset = estimateOffsets?[index] ?? now.Offset;
        return new DateTimeOffset(ticks + offset.Ticks, offset);
    }

    /// <summary>One waiting job: the job, its estimated start in UTC ticks (<see cref="NoEstimate"/>: none), and its packed team, cause and flags.</summary>
    private readonly record struct Entry(Job Job, long EstimateTicks, int Packed);
}
