using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Decides which pending job gets which GPUs on which node, now, and why the others wait. A pure function of a
/// snapshot and the current time, read as a recipe:
/// 1. refuse what can never fit; 2. order by priority, fair share, submit time, id; 3. admit against quota
/// (nominal, or borrowing up to the limit); 4. place by best fit on exact GPU indices; 5. backfill around the
/// reservations of the highest blocked jobs; 6. explain every job that still waits, with an estimated start;
/// 7. name borrowed jobs to preempt when a team cannot get its nominal share.
/// Jobs admitted within their team's nominal quota are placed before jobs that would borrow (as Kueue does):
/// idle capacity is lent only after every team's guaranteed share has had its turn, so capacity reclaimed for a
/// team is not borrowed straight back by the team it was taken from.
/// </summary>
public static class Scheduler
{
    public static SchedulePlan Plan(ClusterSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var pass = new Pass(snapshot, now, StartEstimator.Estimate);
        return pass.Run();
    }

    /// <summary>
    /// The plan with another start estimator in step 6 (tests compare the fast estimator with the reference one
    /// through whole plans).
    /// </summary>
    internal static SchedulePlan Plan(ClusterSnapshot snapshot, DateTimeOffset now, EstimateStarts estimator)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var pass = new Pass(snapshot, now, estimator);
        return pass.Run();
    }

    /// <summary>Step 6's estimator: see <see cref="StartEstimator.Estimate"/>.</summary>
    internal delegate void EstimateStarts(NodeCapacity capacity, QuotaLedger quota, IEnumerable<RunningJob> holding, WaitingJobs jobsInOrder, DateTimeOffset now, DateTimeOffset?[] estimates);

    /// <summary>
    /// The fewest GPUs a team's pending jobs ask for, by the team's (immutable) demand summary: most teams' summaries
    /// are the same from one pass to the next, and enumerating an immutable dictionary's keys is slow.
    /// </summary>
    private static readonly ConditionalWeakTable<TeamDemand, StrongBox<int>> FewestGpusByDemand = new();

    private sealed class Pass : IDisposable
    {
        private readonly ClusterSnapshot snapshot;
        private readonly DateTimeOffset now;
        private readonly SchedulerSettings settings;
        private readonly EstimateStarts estimator;
        private readonly NeverFits neverFits;
        /// <summary>
        /// The jobs the first walk decided, one bit per job by (team number, position in the team's queue): the second
        /// walk meets the same jobs in the same order and skips these (a hash set of ~100,000 ids was rebuilt each pass).
        /// </summary>
        private readonly ulong[] decidedFirst;
        private readonly int[] teamOffsets;

        /// <summary>Each pending team's slot in <see cref="quota"/>, by team number.</summary>
        private readonly int[] ledgerSlots;
        private JobOrder order;
        private readonly QuotaLedger quota;
        private readonly NodeCapacity capacity;
        private readonly ReservationBook reservations;
        private readonly QuotaReclaim reclaim;
        private readonly ImmutableArray<JobStart>.Builder starts = ImmutableArray.CreateBuilder<JobStart>();
        private readonly ImmutableArray<JobRefusal>.Builder refusals = ImmutableArray.CreateBuilder<JobRefusal>();
        private readonly ImmutableArray<JobPreemption>.Builder preemptions = ImmutableArray.CreateBuilder<JobPreemption>();
        private readonly WaitingJobs waiting;

        /// <summary>Each node's busy horizon: the latest expected end (UTC ticks) of what runs on it (long.MaxValue: a job with no walltime).</summary>
        private readonly long[] horizons;

        /// <summary>Jobs left waiting for a full team quota in runs (<see cref="TakeQuotaFullRun"/>), in order; null until one is.</summary>
        private List<QuotaFullRun>? quotaFullRuns;
        private int quotaFullRunJobs;

        /// <summary>Whether the job <see cref="Consider"/> decided last was blocked by its team's quota.</summary>
        private bool lastBlockedByQuota;
        private int?[]? fewestGpusAsked;

        /// <summary>The team number (see <see cref="JobOrder.LastTeamNumber"/>) of the job being considered.</summary>
        private int team;
        private bool clusterFullHandled;
        private bool[]? mayHoldNeverFitting;
        private (int Version, bool AnyFree) freeCpuSeen = (-1, true);

        public Pass(ClusterSnapshot snapshot, DateTimeOffset now, EstimateStarts estimator)
        {
            this.snapshot = snapshot;
            this.now = now;
            this.estimator = estimator;
            settings = snapshot.Settings;
            var held = snapshot.Running.Select(r => r.Allocation).ToList();
            neverFits = NeverFits.For(snapshot);
            order = new JobOrder(snapshot, now);
            quota = new QuotaLedger(snapshot.Quotas, snapshot.Running);
            capacity = new NodeCapacity(snapshot.Nodes, held);
            reservations = new ReservationBook(capacity, snapshot.Running, now);
            reclaim = new QuotaReclaim(capacity, snapshot.Running, settings, now);
            horizons = new long[capacity.Count];
            Array.Fill(horizons, now.UtcTicks);
            foreach (var running in snapshot.Running)
            {
                ExtendHorizon(capacity.IndexOf(running.Allocation.Node), running.Allocation.ExpectedEnd);
            }

            waiting = new WaitingJobs([.. snapshot.Pending.ByTeam.Keys]);
            teamOffsets = new int[snapshot.Pending.ByTeam.Count];
            var offset = 0;
            var number = 0;
            foreach (var queue in snapshot.Pending.ByTeam.Values)
            {
                teamOffsets[number++] = offset;
                offset += queue.Count;
            }

            decidedFirst = new ulong[(offset + 63) / 64];
            ledgerSlots = [.. waiting.TeamNames.Select(quota.SlotOf)];
        }

        /// <summary>The bit of the job <see cref="JobOrder.Next"/> returned last in <see cref="decidedFirst"/>.</summary>
        private int DecidedBit => teamOffsets[order.LastTeamNumber] + order.LastPositionInTeam;

        public SchedulePlan Run()
        {
            // First every job that fits within its team's nominal quota, then (a fresh walk in the same order) the
            // jobs that would borrow.
            RunPhase(borrowingAllowed: false);
            order = new JobOrder(order);
            RunPhase(borrowingAllowed: true);
            RefuseTheRestThatCanNeverFit();

            return new SchedulePlan(starts.ToImmutable(), refusals.ToImmutable(), preemptions.ToImmutable(), Explain());
        }

        private void RunPhase(bool borrowingAllowed)
        {
            while (order.Next() is not null)
            {
                // The job's keys and request as the merge read them (from the team queue's arrays): the pass reads
                // the Job itself only on the rarer paths (a refusal, a start, a reservation, a reclaim).
                ref readonly var job = ref order.Last;
                if (borrowingAllowed && (decidedFirst[DecidedBit >> 6] & (1UL << DecidedBit)) != 0)
                {
                    continue;
                }

                if (!settings.ExplainAllPending && NothingMoreCanChange(borrowingAllowed))
                {
                    break;
                }

                team = order.LastTeamNumber;
                lastBlockedByQuota = false;
                var deferred = Consider(job, borrowingAllowed);
                if (!borrowingAllowed)
                {
                    if (!deferred)
                    {
                        decidedFirst[DecidedBit >> 6] |= 1UL << DecidedBit;
                    }

                    if (NoNominalRoomLeft(waiting.TeamNames[team], ledgerSlots[team]))
                    {
                        // Every later job of this team would borrow: it is the second walk's.
                        order.DropTeam(waiting.TeamNames[team]);
                    }
                }

                if (lastBlockedByQuota && !settings.ExplainAllPending && QuotaAdmitsNoMoreOf(team))
                {
                    TakeQuotaFullRun(borrowingAllowed);
                }
            }
        }

        /// <summary>
        /// Whether no remaining job of team number <paramref name="teamNumber"/> can be admitted this pass (each would be
        /// <see cref="Admission.Blocked"/>) nor refused as never fitting: the team has no quota, or even its smallest GPU
        /// request (over all its pending jobs) would take it past both its nominal quota and its ceiling. What a team
        /// holds only grows during a pass, so once true this stays true.
        /// </summary>
        private bool QuotaAdmitsNoMoreOf(int teamNumber)
        {
            if (MayHoldNeverFittingJobs(teamNumber))
            {
                return false;
            }

            var slot = ledgerSlots[teamNumber];
            if (quota.QuotaOf(slot) is not { } teamQuota)
            {
                return true;
            }

            var fewestAfter = quota.InUse(slot).Gpus + FewestGpusAsked(teamNumber);
            return fewestAfter > teamQuota.Nominal.Gpus && fewestAfter > teamQuota.Ceiling.Gpus;
        }

        /// <summary>The fewest GPUs any pending job of team number <paramref name="teamNumber"/> asks for.</summary>
        private int FewestGpusAsked(int teamNumber)
        {
            fewestGpusAsked ??= new int?[waiting.TeamNames.Length];
            if (fewestGpusAsked[teamNumber] is not { } fewest)
            {
                fewest = snapshot.Pending.Demand.TryGetValue(waiting.TeamNames[teamNumber], out var demand)
                    ? FewestGpusByDemand.GetValue(demand, static d => new StrongBox<int>(d.Requests.Count == 0 ? 0 : d.Requests.Keys.Min(r => r.Gpus))).Value
                    : 0;
                fewestGpusAsked[teamNumber] = fewest;
            }

            return fewest;
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

            var offset = teamOffsets[team];
            var end = from + count;
            for (var position = from; position < end;)
            {
                if (borrowingAllowed)
                {
                    // Skip what the first walk decided, then take the undecided stretch that follows.
                    while (position < end && IsDecidedFirst(offset + position))
                    {
                        position++;
                    }
                }

                var start = position;
                while (position < end && (!borrowingAllowed || !IsDecidedFirst(offset + position)))
                {
                    if (!borrowingAllowed)
                    {
                        decidedFirst[(offset + position) >> 6] |= 1UL << (offset + position);
                    }

                    position++;
                }

                if (position > start)
                {
                    quotaFullRuns ??= [];
                    quotaFullRuns.Add(new QuotaFullRun(waiting.Count + quotaFullRunJobs, team, queue, start, position - start));
                    quotaFullRunJobs += position - start;
                }
            }
        }

        private bool IsDecidedFirst(int bit) => (decidedFirst[bit >> 6] & (1UL << bit)) != 0;

        private bool NoNominalRoomLeft(string team, int slot)
        {
            if (quota.QuotaOf(slot) is not { } teamQuota)
            {
                return false;
            }

            var room = teamQuota.Nominal - quota.InUse(slot);
            return room.CpuMillicores <= 0 || room.MemoryMiB <= 0 || (room.Gpus <= 0 && !snapshot.Pending.HasJobsWithoutGpus(team));
        }

        /// <summary>Decides one job; returns true when it was left for the second walk because it would borrow.</summary>
        private bool Consider(in QueuedJob queued, bool borrowingAllowed)
        {
            var job = queued.Job;
            var teamName = waiting.TeamNames[team];

            // 1. Refuse what can never fit.
            if (MayHoldNeverFittingJobs(team) && neverFits.Check(job.Spec) is { } reason)
            {
                refusals.Add(new JobRefusal(job.Id, reason));
                return false;
            }

            // 3. Admit against quota; jobs that would borrow wait until every guaranteed job had its turn.
            var end = queued.Walltime is { } walltime ? now + walltime : (DateTimeOffset?)null;
            var slot = ledgerSlots[team];
            var admission = quota.Admit(slot, queued.Amount);
            if (admission == Admission.Borrowing && !borrowingAllowed && !settings.IsStarving(job.SubmittedAt, now))
            {
                // A starving job borrows in the first walk: its reservation comes before any later job is placed.
                return true;
            }

            if (admission == Admission.Blocked)
            {
                lastBlockedByQuota = true;
                Wait(queued, PendingCause.TeamQuotaFull, null, null);
                if (!settings.ExplainAllPending && quota.IsExhausted(slot))
                {
                    order.DropTeam(teamName);
                }

                return false;
            }

            // 4. Place by best fit (a job with a walltime where it extends a node's busy horizon least); 5. without
            // delaying any reservation.
            var node = capacity.BestFit(queued.Amount, queued.GpuModel);
            if (node >= 0 && !reservations.IsEmpty)
            {
                // Only when some node fits at all: the filter's closure was allocated for every job considered.
                node = BestFitAroundReservations(job, end);
            }

            if (node >= 0 && end is { } ends)
            {
                node = capacity.LeastExtendingFit(queued.Amount, queued.GpuModel, reservations.IsEmpty ? null : n => reservations.WouldDelay(n, job.Request, capacity.PreviewGpus(n, job.Request), end) is null, n => HorizonScore(n, ends.UtcTicks));
            }
            if (node >= 0)
            {
                // 5. ...and without taking the quota a reserved job of the same team will need at its start.
                if (!reservations.IsEmpty
                    && reservations.WouldTakeReservedQuota(teamName, queued.Amount, end, quota.InUse(slot), quota.Ceiling(slot)) is { } reserved)
                {
                    Wait(queued, PendingCause.HeldForReservation, null, reserved.Job);
                    return false;
                }

                Start(job, node, end, admission == Admission.Borrowing);
                return false;
            }

            // 7. A team within its nominal quota takes back what others borrowed.
            if (admission == Admission.Guaranteed && reclaim.HasBorrowers && Reclaim(queued))
            {
                return false;
            }

            if (!settings.ExplainAllPending && clusterFullHandled && !reclaim.CanFreeAnyGpuFor(teamName))
            {
                // The cluster is full and nothing borrowed can be taken back for this team: its other jobs wait too.
                Wait(queued, PendingCause.WaitingForCapacity, null, null);
                order.DropTeam(teamName);
                return false;
            }

            var heldBy = HeldForReservation(queued, end);
            var reservation = reservations.Count < settings.BackfillDepth ? reservations.Reserve(job) : null;
            Wait(queued, heldBy is null ? PendingCause.WaitingForCapacity : PendingCause.HeldForReservation, reservation, heldBy?.Job);
            return false;
        }

        /// <summary>
        /// Whether a job of team number <paramref name="teamNumber"/> may never fit: the queue's per-team summaries
        /// answer "no" for most teams, whose jobs then skip the per-job check (exact: the summaries give a superset).
        /// </summary>
        private bool MayHoldNeverFittingJobs(int teamNumber)
        {
            if (mayHoldNeverFitting is null)
            {
                var suspects = neverFits.TeamsThatMayHoldNeverFittingJobs(snapshot.Pending);
                mayHoldNeverFitting = new bool[waiting.TeamNames.Length];
                for (var t = 0; t < mayHoldNeverFitting.Length && suspects.Count > 0; t++)
                {
                    mayHoldNeverFitting[t] = suspects.Contains(waiting.TeamNames[t]);
                }
            }

            return mayHoldNeverFitting[teamNumber];
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

        private void Start(Job job, int node, DateTimeOffset? end, bool borrowing)
        {
            var gpus = capacity.Take(node, job.Request);
            var allocation = new GpuAllocation(job.Id, capacity.NodeAt(node).Name, gpus, job.Request.CpuMillicores, job.Request.MemoryMiB, now, end);
            quota.Charge(ledgerSlots[team], allocation.Amount);
            reservations.AddRelease(allocation, job.Team);
            ExtendHorizon(node, end);
            starts.Add(new JobStart(job, allocation, borrowing));
        }

        /// <summary>
        /// How well a job ending at <paramref name="endTicks"/> suits <paramref name="node"/> in time (lower is better): how
        /// far it would push the node's busy horizon (the latest expected end on it; now for an idle node) out, plus a
        /// tenth of the slack when it ends before the horizon. Long jobs gather where long jobs already run, short ones
        /// fill the gaps of nodes that empty soon, and no node that is about to empty is pinned by a long small job, so
        /// whole nodes come free for large jobs.
        /// </summary>
        private long HorizonScore(int node, long endTicks)
        {
            var horizon = horizons[node];
            return endTicks >= horizon ? endTicks - horizon : (horizon - endTicks) / 10;
        }

        private void ExtendHorizon(int node, DateTimeOffset? end)
        {
            if (node >= 0)
            {
                horizons[node] = Math.Max(horizons[node], end?.UtcTicks ?? long.MaxValue);
            }
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

        private int BestFitAroundReservations(Job job, DateTimeOffset? end) =>
            capacity.BestFit(job.Request, n => reservations.WouldDelay(n, job.Request, capacity.PreviewGpus(n, job.Request), end) is null);

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

            if (snapshot.Pending.WithoutGpusCount > 0)
            {
                if (freeCpuSeen.Version != capacity.Version)
                {
                    freeCpuSeen = (capacity.Version, capacity.AnyFreeCpu());
                }

                if (freeCpuSeen.AnyFree)
                {
                    return false;
                }
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

        /// <summary>Gives the pooled array of the waiting jobs back.</summary>
        public void Dispose() => waiting.Dispose();

        private void Wait(in QueuedJob job, PendingCause cause, BackfillReservation? reservation, JobId? blockingJob) =>
            waiting.Add(job, team, cause, reservation, blockingJob, snapshot.RunTimes.IsEmpty ? job.Walltime : RunTimePredictions.Expected(snapshot.RunTimes, job.Job.Spec.Owner, job.Walltime));

        /// <summary>
        /// 6. Every job still waiting gets its reason and an estimated start: the estimates are computed here, the
        /// explanation records are built when the plan's reader asks for them (from a copy of the facts they need).
        /// </summary>
        private PendingExplanations Explain()
        {
            var estimates = settings.ExplainAllPending ? waiting.Estimates : null;
            if (estimates is not null)
            {
                // Estimates expect each running job to end as its owner's history predicts (walltime as the limit).
                var holding = snapshot.Running.Concat(starts.Select(s => new RunningJob(s.Job, s.Allocation, s.Borrowing)));
                if (!snapshot.RunTimes.IsEmpty)
                {
                    holding = holding.Select(r => RunTimePredictions.ExpectedEnd(snapshot.RunTimes, r, now) is var end && end != r.Allocation.ExpectedEnd
                        ? r with { Allocation = r.Allocation with { ExpectedEnd = end } }
                        : r);
                }

                estimator(capacity, quota.Clone(), holding, waiting, now, estimates);
            }

            // Quota use and ceilings are final now: look each team up once, not once per job.
            var teamNames = waiting.TeamNames;
            var inUse = new ResourceAmount[teamNames.Length];
            var ceilings = new ResourceAmount[teamNames.Length];
            for (var t = 0; t < teamNames.Length; t++)
            {
                inUse[t] = quota.InUse(ledgerSlots[t]);
                ceilings[t] = quota.Ceiling(ledgerSlots[t]);
            }

            var explanations = new WaitingExplanations(waiting, estimates, now, inUse, ceilings, predicted: !snapshot.RunTimes.IsEmpty);
            return PendingExplanations.Lazy(quotaFullRuns is null ? explanations : new QuotaFullRunsExplanations(explanations, quotaFullRuns, inUse, ceilings));
        }
    }
}
