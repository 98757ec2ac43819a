using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// The shortcuts of a pass that does not explain every pending job (<see cref="SchedulerSettings.ExplainAllPending"/>
/// off): stopping when nothing more can change, dropping teams that can admit no more, taking a full team's jobs as
/// one run, and still refusing every job that can never fit. None of them changes what the plan decides.
/// </summary>
internal sealed partial class PlanningPass
{
    /// <summary>
    /// When every GPU is taken (and no CPU-only job could start), no reservation is left to make and no team can
    /// reclaim, the rest of the backlog cannot change this pass: a pass that does not explain every job stops here.
    /// </summary>
    private bool NothingMoreCanChange(bool borrowingPhase)
    {
        if (reservations.Count < settings.BackfillDepth || capacity.MaxFreeGpus > 0)
        {
            return false;
        }

        if (snapshot.Pending.WithoutGpusCount > 0 && freeCpuSeen.AnyFree(capacity))
        {
            return false;
        }

        if (!reclaim.HasBorrowers || borrowingPhase)
        {
            // Jobs that would borrow never reclaim: with no room left, none of them can start.
            return true;
        }

        if (!clusterFullHandled)
        {
            // From here on only jobs admitted within nominal quota can act (by reclaiming); teams at or above
            // their nominal GPUs cannot.
            clusterFullHandled = true;
            foreach (var team in snapshot.Pending.ByTeam.Keys)
            {
                if (quota.QuotaOf(team) is { } teamQuota && quota.InUse(team).Gpus >= teamQuota.Nominal.Gpus)
                {
                    order.DropTeam(team);
                }
            }
        }

        return false;
    }

    private bool NoNominalRoomLeft(string team, int slot)
    {
        if (quota.QuotaOf(slot) is not { } teamQuota)
        {
            return false;
        }

        var room = teamQuota.Nominal - quota.InUse(slot);
        return room.CpuMillicores <= 0 || room.MemoryMiB <= 0 || (room.Gpus <= 0 && !snapshot.Pending.HasJobsWithoutGpus(team));
    }

    /// <summary>
    /// Whether no remaining job of team number <paramref name="teamNumber"/> can be admitted this pass (each would be
    /// <see cref="Admission.Blocked"/>) nor refused as never fitting: the team has no quota, or even its smallest GPU
    /// request (over all its pending jobs) would take it past both its nominal quota and its ceiling. What a team
    /// holds only grows during a pass, so once true this stays true.
    /// </summary>
    private bool QuotaAdmitsNoMoreOf(int teamNumber)
    {
        if (neverFitSuspects.MayHold(teamNumber))
        {
            return false;
        }

        var slot = ledgerSlots[teamNumber];
        if (quota.QuotaOf(slot) is not { } teamQuota)
        {
            return true;
        }

        var fewestAfter = quota.InUse(slot).Gpus + fewestGpusAsked.Of(teamNumber);
        return fewestAfter > teamQuota.Nominal.Gpus && fewestAfter > teamQuota.Ceiling.Gpus;
    }

    /// <summary>
    /// The job just decided was blocked by its team's quota and no later job of the team can be admitted: every job
    /// the merge now takes from the team in a row is decided the same way (the pass's state does not change while
    /// jobs are blocked, so nothing else about them can differ), and is recorded as one run instead of one by one.
    /// The second walk skips the jobs the first decided, so its runs are split around them.
    /// </summary>
    private void TakeQuotaFullRun(bool borrowingAllowed)
    {
        if (!order.TryTakeRun(team, out var queue, out var from, out var count) || count == 0)
        {
            return;
        }

        var end = from + count;
        for (var position = from; position < end;)
        {
            if (borrowingAllowed)
            {
                // Skip what the first walk decided, then take the undecided stretch that follows.
                while (position < end && decidedFirst.Contains(team, position))
                {
                    position++;
                }
            }

            var start = position;
            while (position < end && (!borrowingAllowed || !decidedFirst.Contains(team, position)))
            {
                if (!borrowingAllowed)
                {
                    decidedFirst.Add(team, position);
                }

                position++;
            }

            if (position > start)
            {
                quotaFullRuns.Add(new QuotaFullRun(waiting.Count + quotaFullRuns.Jobs, team, queue, start, position - start));
            }
        }
    }

    /// <summary>
    /// A pass that stopped early still refuses every job that can never fit: the never-fits check is a function
    /// of a job's shape (team, request, priority), and the queue's per-team summaries say which teams may hold a
    /// failing shape; only their backlogs are searched (usually none).
    /// </summary>
    private void RefuseTheRestThatCanNeverFit()
    {
        if (settings.ExplainAllPending)
        {
            return;
        }

        var suspects = neverFits.TeamsThatMayHoldNeverFittingJobs(snapshot.Pending);
        if (suspects.Count == 0)
        {
            return;
        }

        var refused = refusals.Select(r => r.Job).ToHashSet();
        var reasons = new Dictionary<JobShape, string?>();
        foreach (var team in suspects)
        {
            foreach (var job in snapshot.Pending.ByTeam[team])
            {
                var shape = JobShape.Of(job);
                if (!reasons.TryGetValue(shape, out var reason))
                {
                    reason = neverFits.Check(shape);
                    reasons[shape] = reason;
                }

                if (reason is not null && refused.Add(job.Id))
                {
                    refusals.Add(new JobRefusal(job.Id, reason));
                }
            }
        }
    }
}
