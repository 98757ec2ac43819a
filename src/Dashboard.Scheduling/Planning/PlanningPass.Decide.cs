using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>Deciding one job: refuse, admit, place (around the reservations), start, reclaim, or wait.</summary>
internal sealed partial class PlanningPass
{
    /// <summary>Decides one job; returns true when it was left for the second walk because it would borrow.</summary>
    private bool Decide(in QueuedJob queued, bool borrowingAllowed)
    {
        // Only an advance reservation's hold reads the membership: without holds the job's spec is not followed
        // (a cache miss per job, about a fifth of a full-cluster pass).
        reservations.Member = reservations.HasHolds ? queued.Job.Spec.Reservation : null;

        // 1. Refuse what can never fit.
        if (RefusedAsNeverFitting(queued.Job))
        {
            return false;
        }

        // 3. Admit against quota; jobs that would borrow wait until every guaranteed job had its turn (a starving
        // job borrows in the first walk: its reservation comes before any later job is placed).
        var admission = quota.Admit(ledgerSlots[team], queued.Amount);
        var end = queued.Walltime is { } walltime ? now + walltime : (DateTimeOffset?)null;
        if (admission == Admission.Borrowing && !borrowingAllowed && !settings.IsStarving(queued.Job.SubmittedAt, now))
        {
            // Drain by plan: a long-waiting job that fits nowhere now reserves at its place in the order, so the
            // guaranteed jobs ranked after it cannot pin the node it will take.
            if (drainsANode || !settings.MayDrain(queued.Job.SubmittedAt, now) || capacity.BestFit(queued.Amount, queued.GpuModel) >= 0)
            {
                return true;
            }

            drainsANode = true;
            WaitForCapacity(queued, end);
            return false;
        }

        if (admission == Admission.Blocked)
        {
            WaitForQuota(queued);
            return false;
        }

        // 4. Place by best fit; 5. without delaying any reservation...
        var node = Place(queued, end);
        if (node >= 0)
        {
            // 5. ...nor taking the quota a reserved job of the same team will need at its start.
            StartUnlessQuotaIsReserved(queued, node, end, borrowing: admission == Admission.Borrowing);
            return false;
        }

        // 7. A team within its nominal quota takes back what others borrowed.
        if (admission == Admission.Guaranteed && reclaim.HasBorrowers && Reclaim(queued))
        {
            return false;
        }

        // 5. The job waits for capacity, reserving it while there are fewer reservations than the backfill depth.
        WaitForCapacity(queued, end);
        return false;
    }

    private bool RefusedAsNeverFitting(Job job)
    {
        if (neverFitSuspects.MayHold(team) && neverFits.Check(job.Spec) is { } reason)
        {
            refusals.Add(new JobRefusal(job.Id, reason));
            return true;
        }

        return false;
    }

    private void WaitForQuota(in QueuedJob queued)
    {
        lastBlockedByQuota = true;
        Wait(queued, PendingCause.TeamQuotaFull, null, null);
        if (!settings.ExplainAllPending && quota.IsExhausted(ledgerSlots[team]))
        {
            order.DropTeam(waiting.TeamNames[team]);
        }
    }

    /// <summary>
    /// The node the job starts on now, -1 when none: best fit, then around the reservations (only when some node fits
    /// at all), then (a job with a walltime) where it extends a node's busy horizon least.
    /// </summary>
    private int Place(in QueuedJob queued, DateTimeOffset? end)
    {
        var node = capacity.BestFit(queued.Amount, queued.GpuModel);
        if (node >= 0 && !reservations.IsEmpty)
        {
            node = BestFitAroundReservations(queued.Job, end);
        }

        if (node >= 0 && end is { } ends)
        {
            node = LeastExtendingFit(queued, end, ends.UtcTicks);
        }

        return node;
    }

    // Each filter's closure in a method of its own: it is allocated only when the filter is needed.
    private int BestFitAroundReservations(Job job, DateTimeOffset? end) =>
        capacity.BestFit(job.Request, n => reservations.WouldDelay(n, job.Request, capacity.PreviewGpus(n, job.Request), end) is null);

    private int LeastExtendingFit(in QueuedJob queued, DateTimeOffset? end, long endTicks)
    {
        var request = queued.Job.Request;
        return capacity.LeastExtendingFit(
            queued.Amount,
            queued.GpuModel,
            reservations.IsEmpty ? null : n => reservations.WouldDelay(n, request, capacity.PreviewGpus(n, request), end) is null,
            endTicks);
    }

    private void StartUnlessQuotaIsReserved(in QueuedJob queued, int node, DateTimeOffset? end, bool borrowing)
    {
        var slot = ledgerSlots[team];
        if (!reservations.IsEmpty
            && reservations.WouldTakeReservedQuota(waiting.TeamNames[team], queued.Amount, end, quota.InUse(slot), quota.Ceiling(slot)) is { } reserved)
        {
            Wait(queued, PendingCause.HeldForReservation, null, reserved.Job);
            return;
        }

        Start(queued.Job, node, end, borrowing);
    }

    private void Start(Job job, int node, DateTimeOffset? end, bool borrowing)
    {
        var gpus = capacity.Take(node, job.Request);
        var allocation = new GpuAllocation(job.Id, capacity.NodeAt(node).Name, gpus, job.Request.CpuMillicores, job.Request.MemoryMiB, now, end);
        quota.Charge(ledgerSlots[team], allocation.Amount);
        reservations.AddRelease(allocation, job.Team);
        horizons.Extend(node, end);
        starts.Add(new JobStart(job, allocation, borrowing));
    }

    private bool Reclaim(in QueuedJob queued)
    {
        var job = queued.Job;
        var victims = reclaim.FindVictims(job);
        if (victims.Count == 0)
        {
            return false;
        }

        foreach (var victim in victims)
        {
            var why = $"team {job.Team} reclaims its nominal quota for job {job.Id}; job {victim.Job.Id} of team {victim.Job.Team} was running on borrowed capacity";
            preemptions.Add(new JobPreemption(victim.Job.Id, job.Id, why));
        }

        // The reclaimed capacity is this job's: it counts against the team's quota from now on.
        quota.Charge(ledgerSlots[team], job.Request.Amount);
        Wait(queued, PendingCause.WaitingForReclaim, null, null);
        return true;
    }

    private void WaitForCapacity(in QueuedJob queued, DateTimeOffset? end)
    {
        var teamName = waiting.TeamNames[team];
        if (!settings.ExplainAllPending && clusterFullHandled && !reclaim.CanFreeAnyGpuFor(teamName))
        {
            // The cluster is full and nothing borrowed can be taken back for this team: its other jobs wait too.
            Wait(queued, PendingCause.WaitingForCapacity, null, null);
            order.DropTeam(teamName);
            return;
        }

        var heldBy = HeldForReservation(queued, end);
        var reservation = reservations.Count < settings.BackfillDepth ? reservations.Reserve(queued.Job) : null;
        Wait(queued, heldBy is null ? PendingCause.WaitingForCapacity : PendingCause.HeldForReservation, reservation, heldBy?.Job);
    }

    private BackfillReservation? HeldForReservation(in QueuedJob queued, DateTimeOffset? end)
    {
        if (reservations.IsEmpty)
        {
            return null;
        }

        var node = capacity.BestFit(queued.Amount, queued.GpuModel);
        if (node < 0)
        {
            return null;
        }

        var request = queued.Job.Request;
        return reservations.WouldDelay(node, request, capacity.PreviewGpus(node, request), end);
    }

    private void Wait(in QueuedJob job, PendingCause cause, BackfillReservation? reservation, JobId? blockingJob) =>
        waiting.Add(job, team, cause, reservation, blockingJob, snapshot.RunTimes.IsEmpty ? job.Walltime : RunTimePredictions.Expected(snapshot.RunTimes, job.Job.Spec.Owner, job.Walltime));
}
