using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Step 6's explanations as a plan keeps them: per waiting job only its <see cref="Job"/>, its estimated start (UTC
/// ticks) and one number holding its team, cause and whether it has a reservation or a blocking job; the few
/// reservations and blocking jobs sit in short side lists by position, and quota use and ceilings once per team.
/// <see cref="At"/> builds the same <see cref="PendingExplanation"/> the pass used to allocate for every job.
/// </summary>
internal sealed class WaitingExplanations : PendingExplanations.Source
{
    private const int CauseBits = 8;
    private const int HasReservation = 1 << CauseBits;
    private const int HasBlockingJob = 2 << CauseBits;
    private const int TeamShift = CauseBits + 2;
    private const long NoEstimate = long.MinValue;

    private readonly Job[] jobs;
    private readonly int[] packed;
    private readonly long[]? estimateTicks;

    /// <summary>The estimates' offsets, only when one differs from <see cref="now"/>'s (never, when every time is UTC).</summary>
    private readonly TimeSpan[]? estimateOffsets;
    private readonly DateTimeOffset now;
    private readonly ResourceAmount[] inUse;
    private readonly ResourceAmount[] ceilings;
    private readonly int[] reservedAt;
    private readonly BackfillReservation[] reservations;
    private readonly int[] blockedAt;
    private readonly JobId[] blockingJobs;

    /// <summary>
    /// Copies what the explanations need out of <paramref name="waiting"/>; <paramref name="estimates"/> (null: no
    /// estimates this pass) holds the start estimator's answers by position.
    /// </summary>
    public WaitingExplanations(WaitingJobs waiting, DateTimeOffset?[]? estimates, DateTimeOffset now, ResourceAmount[] inUse, ResourceAmount[] ceilings)
    {
        this.now = now;
        this.inUse = inUse;
        this.ceilings = ceilings;
        var count = waiting.Count;
        jobs = new Job[count];
        packed = new int[count];
        estimateTicks = estimates is null ? null : new long[count];
        var reserved = new List<(int At, BackfillReservation Reservation)>();
        var blocked = new List<(int At, JobId Job)>();
        var otherOffsets = false;
        for (var i = 0; i < count; i++)
        {
            ref readonly var job = ref waiting.Facts(i);
            jobs[i] = job.Job;
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

            packed[i] = bits;
            if (estimateTicks is not null)
            {
                var estimate = estimates![i];
                estimateTicks[i] = estimate?.UtcTicks ?? NoEstimate;
                otherOffsets |= estimate is { } at && at.Offset != now.Offset;
            }
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

    public override int Count => jobs.Length;

    public override PendingExplanation At(int index)
    {
        var job = jobs[index];
        var bits = packed[index];
        var cause = (PendingCause)(bits & ((1 << CauseBits) - 1));
        var team = bits >> TeamShift;
        var reservation = (bits & HasReservation) != 0 ? reservations[Array.BinarySearch(reservedAt, index)] : null;
        JobId? blocking = (bits & HasBlockingJob) != 0 ? blockingJobs[Array.BinarySearch(blockedAt, index)] : null;
        var estimate = cause == PendingCause.WaitingForReclaim ? now : reservation?.Start ?? EstimateAt(index);
        var reason = new PendingReason(cause, job.Request, index, inUse[team], ceilings[team], blocking);
        return new PendingExplanation(job.Id, estimate, reason, reservation);
    }

    public override int IndexOf(JobId job)
    {
        for (var i = 0; i < jobs.Length; i++)
        {
            if (jobs[i].Id == job)
            {
                return i;
            }
        }

        return -1;
    }

    private DateTimeOffset? EstimateAt(int index)
    {
        if (estimateTicks is null || estimateTicks[index] == NoEstimate)
        {
            return null;
        }

        var offset = estimateOffsets?[index] ?? now.Offset;
        return new DateTimeOffset(estimateTicks[index] + offset.Ticks, offset);
    }
}
