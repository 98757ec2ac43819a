using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Scheduling.Replays;

/// <summary>
/// Replays recorded jobs through <see cref="Scheduler.Plan"/> in virtual time: submits and job ends are events, every
/// event time gets up to three passes (a pass that preempts is followed by one that starts the reclaiming job), starts
/// are applied and each started job ends after its recorded run time (capped by its walltime). A preempted job goes back
/// to its queue and starts over (no checkpointing): what it held is lost work. Between events the state is constant,
/// so the idle and fragmentation figures are exact integrals. Pure: no clock, no I/O, the same inputs give the same result.
/// </summary>
public static class TraceReplayer
{
    /// <summary>Plans one pass; the bench passes a timed <see cref="Scheduler.Plan"/>.</summary>
    public delegate SchedulePlan PlanPass(ClusterSnapshot snapshot, DateTimeOffset now);

    /// <summary>
    /// Replays <paramref name="jobs"/> on <paramref name="cluster"/> (its nodes, quotas and settings; its queue and running
    /// list must be empty). Utilisation is measured from the first submit until <paramref name="utilisationUntil"/>
    /// (default: the last job's end), so a window's figure is not diluted by the long tail of its background jobs.
    /// </summary>
    public static ReplayResult Run(ClusterSnapshot cluster, IReadOnlyList<ReplayJob> jobs, PlanPass? plan = null, DateTimeOffset? utilisationUntil = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(jobs);
        if (cluster.Pending.Count > 0 || !cluster.Running.IsEmpty)
        {
            throw new ArgumentException("A replay starts from a cluster with no pending and no running job.", nameof(cluster));
        }

        plan ??= Scheduler.Plan;
        var state = new ReplayState(cluster, jobs, utilisationUntil ?? DateTimeOffset.MaxValue);
        return state.Run(plan);
    }

    private sealed class ReplayState(ClusterSnapshot cluster, IReadOnlyList<ReplayJob> jobs, DateTimeOffset utilisationUntil)
    {
        private readonly Dictionary<JobId, ReplayJob> byId = jobs.ToDictionary(j => j.Job.Id);
        private readonly Dictionary<JobId, DateTimeOffset> firstStart = [];
        private readonly Dictionary<JobId, DateTimeOffset> firstEstimate = [];
        private readonly Dictionary<JobId, int> preemptions = [];
        private readonly Dictionary<JobId, double> lost = [];
        private readonly Dictionary<JobId, DateTimeOffset> endOf = [];
        private readonly PriorityQueue<JobId, (DateTimeOffset At, long Id)> ends = new();
        private ClusterSnapshot snapshot = cluster;
        private double held;
        private double idleWhileWaiting;
        private double fragmented;
        private double freeWhileWaiting;
        private double busyInMeasure;
        private int passes;
        private int refused;

        public ReplayResult Run(PlanPass plan)
        {
            var bySubmit = jobs.OrderBy(j => j.Arrival).ThenBy(j => j.Job.Id).ToList();
            var capacity = snapshot.Nodes.Where(n => n.IsSchedulable).Sum(n => n.Gpus.Length);
            var from = bySubmit.Count > 0 ? bySubmit[0].Arrival : DateTimeOffset.UnixEpoch;
            var last = from;
            var next = 0;
            while (next < bySubmit.Count || ends.Count > 0)
            {
                var nextSubmit = next < bySubmit.Count ? bySubmit[next].Arrival : DateTimeOffset.MaxValue;
                var nextEnd = ends.TryPeek(out _, out var endKey) ? endKey.At : DateTimeOffset.MaxValue;
                var now = nextSubmit < nextEnd ? nextSubmit : nextEnd;
                Integrate(last, now);
                last = now;

                while (ends.TryPeek(out var id, out var key) && key.At <= now)
                {
                    ends.Dequeue();
                    if (endOf.TryGetValue(id, out var at) && at == key.At)
                    {
                        endOf.Remove(id);
                        held += HeldSeconds(id, now);
                        snapshot = ClusterTransitions.Release(snapshot, id, now);
                    }
                }

                while (next < bySubmit.Count && bySubmit[next].Arrival <= now)
                {
                    snapshot = ClusterTransitions.Submit(snapshot, bySubmit[next++].Job);
                }

                for (var round = 0; round < 3; round++)
                {
                    var decided = plan(snapshot, now);
                    passes++;
                    if (!Apply(decided, now))
                    {
                        break;
                    }
                }
            }

            var outcomes = jobs
                .Select(j => new ReplayedJob(
                    j,
                    firstStart.TryGetValue(j.Job.Id, out var s) ? s : null,
                    firstEstimate.TryGetValue(j.Job.Id, out var e) ? e : null,
                    preemptions.GetValueOrDefault(j.Job.Id),
                    lost.GetValueOrDefault(j.Job.Id)))
                .ToList();
            var measuredUntil = utilisationUntil < last ? utilisationUntil : last;
            return new ReplayResult(outcomes, from, last, capacity, passes, refused, held, idleWhileWaiting, fragmented)
            {
                UtilisationSpanSeconds = Math.Max(0, (measuredUntil - from).TotalSeconds),
                BusyGpuSecondsInSpan = busyInMeasure,
                FreeWhileWaitingGpuSeconds = freeWhileWaiting,
            };
        }

        /// <summary>Applies a pass; true when it preempted (another pass follows at the same instant).</summary>
        private bool Apply(SchedulePlan decided, DateTimeOffset now)
        {
            snapshot = ClusterTransitions.ApplyPlan(snapshot, decided);
            refused += decided.Refusals.Length;
            foreach (var start in decided.Starts)
            {
                var recorded = byId[start.Job.Id];
                var runFor = start.Allocation.ExpectedEnd is { } limit && limit - now < recorded.RunTime ? limit - now : recorded.RunTime;
                var end = now + runFor;
                endOf[start.Job.Id] = end;
                ends.Enqueue(start.Job.Id, (end, start.Job.Id.Value));
                firstStart.TryAdd(start.Job.Id, now);
            }

            foreach (var explanation in decided.Pending)
            {
                if (explanation.EstimatedStart is { } estimate)
                {
                    firstEstimate.TryAdd(explanation.Job, estimate);
                }
            }

            foreach (var preemption in decided.Preemptions)
            {
                endOf.Remove(preemption.Victim);
                var seconds = HeldSeconds(preemption.Victim, now);
                held += seconds;
                lost[preemption.Victim] = lost.GetValueOrDefault(preemption.Victim) + seconds;
                preemptions[preemption.Victim] = preemptions.GetValueOrDefault(preemption.Victim) + 1;
                snapshot = ClusterTransitions.Requeue(snapshot, preemption.Victim, now);
            }

            return !decided.Preemptions.IsEmpty;
        }

        private double HeldSeconds(JobId id, DateTimeOffset until)
        {
            foreach (var running in snapshot.Running)
            {
                if (running.Job.Id == id)
                {
                    return running.Allocation.GpuIndices.Length * (until - running.Allocation.Start).TotalSeconds;
                }
            }

            return 0;
        }

        /// <summary>Adds the state held since <paramref name="from"/> (constant until <paramref name="until"/>) to the idle and fragmentation integrals.</summary>
        private void Integrate(DateTimeOffset from, DateTimeOffset until)
        {
            var seconds = (until - from).TotalSeconds;
            if (seconds <= 0)
            {
                return;
            }

            var measured = (until < utilisationUntil ? until : utilisationUntil) - from;
            if (measured > TimeSpan.Zero)
            {
                busyInMeasure += snapshot.Running.Sum(r => r.Allocation.GpuIndices.Length) * measured.TotalSeconds;
            }

            var waiting = snapshot.Pending.Requests.Where(r => r.Key.Gpus > 0).ToList();
            if (waiting.Count == 0)
            {
                return;
            }

            // A free GPU is idle while work waits only where a waiting GPU job could use it: on a node whose free room
            // fits that job (issue 20's "idle while a GPU job that could use them waited"); the free GPUs of nodes where
            // no waiting job fits are fragmentation instead.
            var room = FreeRoom.Of(snapshot);
            var asked = waiting.Sum(r => (long)r.Key.Gpus * r.Value);
            long usable = 0;
            long stranded = 0;
            foreach (var free in room)
            {
                if (waiting.Any(w => free.Fits(w.Key)))
                {
                    usable += free.Gpus;
                }
                else
                {
                    stranded += free.Gpus;
                }
            }

            idleWhileWaiting += Math.Min(usable, asked) * seconds;
            freeWhileWaiting += Math.Min(usable + stranded, asked) * seconds;
            fragmented += stranded * seconds;
        }
    }
}
